"""One diagnostic per call site: a layer built in a loop or by a function called
twice is one line of source to fix, whatever number of layers it made."""

from __future__ import annotations

from typing import Iterable, Iterator

from kerascheck.diagnostics import Diagnostic


def once_per_call_site(diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
    """The first diagnostic for each source node, in order."""
    seen: set[int] = set()
    for diagnostic in diagnostics:
        if id(diagnostic.node) not in seen:
            seen.add(id(diagnostic.node))
            yield diagnostic
