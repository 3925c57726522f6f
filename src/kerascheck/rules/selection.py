"""Which rules each command runs: ``summary`` and ``check`` both ask here."""

from __future__ import annotations

from typing import Callable

from kerascheck.rules import all_rules
from kerascheck.rules.base import AnalysisRule, Rule

COMMANDS = ("summary", "check")


def rules_for(command: str, enabled: Callable[[str], bool] = lambda code: True) -> tuple[Rule, ...]:
    """The rules ``command`` runs, among the codes ``enabled`` allows (the settings'
    select and ignore).  A summary shows what Keras itself rejects (KC1xx); a check
    runs every rule (the analysis's own codes, KC0xx, come from the pipeline, not
    from running a rule)."""
    if command == "summary":
        return tuple(rule for code, rule in all_rules().items() if code.startswith("KC1") and enabled(code))
    if command == "check":
        return tuple(rule for code, rule in all_rules().items() if enabled(code) and not isinstance(rule, AnalysisRule))
    raise ValueError(f"no command {command!r}; expected one of {', '.join(COMMANDS)}")


def is_opt_in(code: str) -> bool:
    """Whether ``code`` is reported only when selected by name (``Rule.opt_in``)."""
    rule = all_rules().get(code)
    return rule is not None and rule.opt_in
