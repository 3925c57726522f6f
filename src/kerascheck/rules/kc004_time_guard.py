"""KC004 time-guard: The analysis of the file ran past the time guard and stopped."""

from kerascheck.rules.base import AnalysisRule, Example


class TimeGuard(AnalysisRule):
    code = "KC004"
    name = "time-guard"
    severity = "info"
    summary = "The analysis of the file ran past the time guard and stopped."
    docs = """\
## What it does
Reports a file whose analysis was stopped by the time guard (120 s of
interpretation): the models built after that point are not reported.

## Why it matters
kerascheck's budgets count interpretation steps, loop iterations and call
depth, never seconds, so that a file gives the same report on any machine at
any load (`KC002` reports those). The time guard is a last resort against a
single step that runs away; it is the one limit that depends on the machine,
so a report that shows it may differ from run to run. Seeing it is a bug
worth reporting to kerascheck, with the file.

## Example
No ordinary file reaches it: every analysis is meant to end on its counted
budgets well before.

## Fix
Report the file to kerascheck. Meanwhile exclude it (`exclude` in
`[tool.kerascheck]`) or move the model into a file of its own.
"""
    valid = (Example("import keras\nfor i in range(3):\n    pass\n", 0),)
    invalid = ()  # no source reaches it on its counted budgets (tests/test_robustness.py lowers the guard)


RULE = TimeGuard()
