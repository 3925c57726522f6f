"""Which rules ``summary`` and ``check`` run, decided in one place."""

from __future__ import annotations

import pytest

from kerascheck.rules import all_rules
from kerascheck.rules.base import AnalysisRule
from kerascheck.rules.selection import rules_for


def codes(rules) -> list[str]:
    return [rule.code for rule in rules]


def test_summary_runs_what_keras_itself_rejects():
    assert codes(rules_for("summary")) == [code for code in all_rules() if code.startswith("KC1")]


def test_check_runs_every_rule_but_the_analysis_codes():
    found = rules_for("check")
    assert codes(found) == [code for code in all_rules() if not code.startswith("KC0")]
    assert not any(isinstance(rule, AnalysisRule) for rule in found)


def test_both_keep_only_the_enabled_codes():
    enabled = {"KC101", "KC201"}.__contains__
    assert codes(rules_for("summary", enabled)) == ["KC101"]
    assert codes(rules_for("check", enabled)) == ["KC101", "KC201"]


def test_an_unknown_command_is_refused():
    with pytest.raises(ValueError, match="summary, check"):
        rules_for("lint")
