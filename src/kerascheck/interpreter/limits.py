"""The interpreter's budgets, and the exceptions that carry control flow.

Budgets count steps, iterations and depth; a file's report must not depend on
how loaded the machine is (the time limit is a last resort).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import libcst as cst


@dataclass
class Limits:
    max_steps: int = 2_000_000
    max_seconds: float = 10.0
    max_depth: int = 60
    max_iterations: int = 10_000


class AnalysisLimit(Exception):
    """An interpreter budget ran out.

    A *fatal* one (total steps, time) ends the file's analysis; the others
    (recursion depth, loop length) abandon only the top-level statement.
    """

    def __init__(self, message: str, node: cst.CSTNode | None, fatal: bool = False) -> None:
        super().__init__(message)
        self.node = node
        self.fatal = fatal


class Return(Exception):
    """A ``return`` statement ran."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Break(Exception):
    pass


class Continue(Exception):
    pass


class UncertainExit(Exception):
    """A ``break`` or ``continue`` under a condition that cannot be evaluated: how
    the enclosing loop goes on is unknown."""


class Raise(Exception):
    """A ``raise`` statement ran: the enclosing function's result is unknown."""


class Unknowable(Exception):
    """A comprehension iterates over unknown values."""
