"""The interpreter's budgets, and the exceptions that carry control flow.

Budgets count steps, iterations and depth; a file's report must not depend on
how loaded the machine is (the time limit is a last resort).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import libcst as cst


@dataclass
class Limits:
    """The interpreter's budgets: counted, so a file's report is the same on any
    machine at any load.  A step is a statement run or a call made.

    Each top-level statement (of the file or of a module it imports), each entry
    point and each final step gets ``max_statement_steps`` of the file's
    ``max_steps``; once those are spent, each later one still gets
    ``min_statement_steps``, so no model is dropped for what came before it.
    ``max_words`` bounds the memory of the plain data the file's code makes
    (``Semantics.made``; one value is bounded by ``sizes``), ``max_calls`` that of
    the models' graphs: the calls of layers, models and operations on symbolic
    tensors it records (each a node and its output tensors; a library's source and
    a traced ``call()`` count too), past which a call's output is unknown.
    ``max_seconds`` is
    a last-resort guard against a step that runs away, not a budget: the
    counted ones are meant to end every analysis well before it.  ``stop``,
    asked as often as the time guard, ends the analysis when it answers True
    (the language server's, once a newer edit makes it useless).
    """

    max_steps: int = 1_000_000
    max_statement_steps: int = 200_000
    max_loop_steps: int = 50_000  # a loop's, within its statement's
    min_statement_steps: int = 10_000
    max_depth: int = 60
    max_iterations: int = 10_000
    max_words: int = 5_000_000  # the memory the values made by the file's code may take, in words
    max_calls: int = 50_000  # the layer, model and operation calls the file's graphs may record
    max_seconds: float = 120.0
    stop: Callable[[], bool] | None = None


@dataclass
class Budget:
    """The steps one statement may take: the step count it ends at, and what
    running past it means."""

    end: int
    reason: str


class AnalysisLimit(Exception):
    """An interpreter budget ran out at ``node``.

    A step ``budget`` ends the statement (or entry point) it was given to, whose
    effects become unknown; recursion depth and a comprehension's length end
    the innermost one.  Only the time guard is *fatal*: it ends the file's
    analysis.
    """

    def __init__(self, message: str, node: cst.CSTNode | None, fatal: bool = False, budget: Budget | None = None) -> None:
        super().__init__(message)
        self.node = node
        self.fatal = fatal
        self.budget = budget


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
