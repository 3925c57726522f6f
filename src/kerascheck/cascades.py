"""One root cause, one diagnostic: a diagnostic caused by another one on the same call is folded into it.

A rule declares the codes it follows from (``Rule.follows_from``): KC201's
unread rows after KC213's stride nobody wrote, KC210's loss on a one-unit
softmax after KC209's.  Folding runs after ``ignore`` and inline suppressions,
so a consequence whose cause is not reported stands on its own.
"""

from __future__ import annotations

from kerascheck.diagnostics import SEVERITIES, Diagnostic
from kerascheck.rules import all_rules


def fold_consequences(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics, each consequence appended to its cause's message (the cause
    keeps the more severe of both severities)."""
    rules = all_rules()
    at: dict[object, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        at.setdefault((diagnostic.path, diagnostic.span), []).append(diagnostic)
    kept = []
    for diagnostic in diagnostics:
        follows = rules[diagnostic.code].follows_from
        cause = next((d for d in at[diagnostic.path, diagnostic.span] if d.code in follows), None)
        if cause is None:
            kept.append(diagnostic)
            continue
        cause.message = f"{cause.message.rstrip('.')}; {diagnostic.code} ({diagnostic.name}) follows from it: {diagnostic.message}"
        cause.severity = min(cause.severity, diagnostic.severity, key=SEVERITIES.index)
    return kept
