"""One finding per call site: a layer built in a loop or by a function called
twice is one line of source to fix, whatever number of layers it made."""

from __future__ import annotations

from typing import Iterable, Iterator

from kerascheck.findings import Finding


def once_per_call_site(findings: Iterable[Finding]) -> Iterator[Finding]:
    """The first finding for each source node, in order."""
    seen: set[int] = set()
    for finding in findings:
        if id(finding.node) not in seen:
            seen.add(id(finding.node))
            yield finding
