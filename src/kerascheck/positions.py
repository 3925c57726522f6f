"""Source positions, computed only for the nodes that are reported.

libcst's ``PositionProvider`` records a range for every node of the module,
which costs about twice the parse.  kerascheck reports a few dozen nodes per
file, so it runs the same code generation once with a state that records
only those nodes (and counts lines without regular expressions), and stops
after the statement that holds the last of them.  A test checks the result
against ``PositionProvider``.  A compound statement (``if``,
``def``...) gets its start only.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

import libcst as cst
from libcst.metadata import CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState

from kerascheck.diagnostics import Span

_NULL = nullcontext()


class _Table:
    """Stands in for the metadata provider: where the state stores ranges."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


@dataclass(frozen=False)
class _WantedPositionsState(PositionProvidingCodegenState):
    wanted: frozenset[int] = field(default_factory=frozenset)

    def _update_position(self, value: str) -> None:
        newlines = value.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(value) - value.rfind("\n") - 1
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            super().before_codegen(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            super().after_codegen(node)

    # a nullcontext, not a generator, for the nodes not wanted (most of them): callers only enter it
    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> AbstractContextManager[None]:
        if id(node) not in self.wanted:
            return _NULL
        computed = self.provider._computed
        if (start_node is not None and start_node not in computed) or (end_node is not None and end_node not in computed):
            start_node = end_node = None  # children not tracked: use this node's own extent
        return self._record(node, start_node, end_node)

    @contextmanager
    def _record(
        self, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> Iterator[None]:
        with super().record_syntactic_position(node, start_node=start_node, end_node=end_node):
            yield


class Positions:
    """Spans of the nodes of one module; ``prepare`` names the nodes needed.
    ``stands_for`` gives the node of the module a node stands for (the call of
    the analysed file that a stand-in of another module's node copies)."""

    def __init__(
        self, module: cst.Module | None, stands_for: Callable[[cst.CSTNode | None], cst.CSTNode | None] | None = None
    ) -> None:
        self.module = module
        self.stands_for = stands_for or (lambda node: node)
        self._computed: dict[cst.CSTNode, CodeRange] = {}
        self._pending: set[int] = set()
        self._nodes: list[cst.CSTNode] = []

    def prepare(self, nodes: Iterable[cst.CSTNode | None]) -> None:
        for given in nodes:
            node = self.stands_for(given)
            if node is not None and id(node) not in self._pending:
                self._pending.add(id(node))
                self._nodes.append(node)  # keeps ids valid

    def span(self, node: cst.CSTNode | None) -> Span:
        return self.find(node) or Span(1, 1, 1, 1)

    def find(self, given: cst.CSTNode | None) -> Span | None:
        """The span of ``given``; None when it is not a node of the module."""
        node = self.stands_for(given)
        if node is None or self.module is None:
            return None
        if node not in self._computed:
            self.prepare([node])
            self._resolve(self.module)
        position = self._computed.get(node)
        if position is None:
            return None
        start, end = position.start, position.end
        if isinstance(node, cst.BaseCompoundStatement):
            end = start  # its end is hoisted from children that are not tracked
        return Span(start.line, start.column + 1, end.line, end.column + 1)

    def _resolve(self, module: cst.Module) -> None:
        table = _Table()
        state = _WantedPositionsState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            provider=table,  # type: ignore[arg-type]  # a stand-in: the state only writes its _computed
            wanted=frozenset(self._pending),
        )
        # ``module._codegen(state)``, up to the statement the last wanted node is in: a
        # node's position depends on the code before its end only
        for node in module.header:
            node._codegen(state)
        for statement in module.body:
            statement._codegen(state)
            if len(table._computed) == len(self._pending):
                break
        else:
            for node in module.footer:
                node._codegen(state)
        self._computed = table._computed
