"""Every rule's documented examples are tests: valid ones raise nothing, invalid ones
raise the rule the stated number of times."""

from __future__ import annotations

import pytest

from kerascheck.analysis import Options, analyze_bytes
from kerascheck.rules import all_rules

CASES = [
    pytest.param(rule, example, id=f"{code}-{kind}-{i}")
    for code, rule in all_rules().items()
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize("rule, example", CASES)
def test_rule_example(rule, example):
    reports = (lambda code: code == rule.code or not all_rules()[code].opt_in) if rule.opt_in else None
    options = Options(rules=tuple(all_rules().values()), rule_options=example.options, reports=reports)
    source = example.source if isinstance(example.source, bytes) else example.source.encode()
    report = analyze_bytes(source, "example.py", options)
    found = [d for d in report.diagnostics if d.code == rule.code]
    assert len(found) == example.count, [d.message for d in report.diagnostics]
    for diagnostic in found:
        assert example.contains in diagnostic.message
        assert diagnostic.name == rule.name and diagnostic.severity in ("error", "warning", "info")
    assert not [d for d in report.diagnostics if d.code in ("KC000", "KC001") and d.code != rule.code]


@pytest.mark.parametrize("code", list(all_rules()))
def test_rule_is_documented(code):
    rule = all_rules()[code]
    assert rule.code == code and rule.name and rule.summary
    assert rule.severity in ("error", "warning", "info")
    for heading in ("## What it does", "## Why it matters", "## Example", "## Fix"):
        assert heading in rule.docs, f"{code} docs lack {heading!r}"
    # no source may fail (KC000) or run past the time guard (KC004); KC010 reports files, not sources
    assert rule.invalid or code in ("KC000", "KC004", "KC010"), f"{code} has no invalid example"
