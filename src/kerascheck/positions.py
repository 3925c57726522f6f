"""Source positions, computed only when something is reported.

libcst's position metadata costs about 2.5 times the parse, so it is resolved
lazily, once per file, and only for files that report something.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from kerascheck.diagnostics import Span


class Positions:
    def __init__(self, module: cst.Module | None) -> None:
        self.module = module
        self._table = None

    def span(self, node: cst.CSTNode | None) -> Span:
        if node is None or self.module is None:
            return Span(1, 1, 1, 1)
        if self._table is None:
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._table = wrapper.resolve(PositionProvider)
        position = self._table.get(node)
        if position is None:
            return Span(1, 1, 1, 1)
        start, end = position.start, position.end
        return Span(start.line, start.column + 1, end.line, end.column + 1)
