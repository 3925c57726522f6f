"""What the statement, expression and call parts of the interpreter share.

The interpreter's state (budgets, the uncertainty of the current branch, the
calls being made), the lattice of abstract values (``truth``, ``join``), and
the questions every part asks of values: how they iterate, which library owns
them.  ``engine.Interpreter`` combines ``statements``, ``expressions`` and
``calls``, each a subclass of ``Semantics`` through ``generators``.
"""

from __future__ import annotations

import time
from collections import deque
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

import libcst as cst

from kerascheck.input_shapes import InputShapes
from kerascheck.interpreter import builtins
from kerascheck.interpreter.library import NOT_HANDLED, Libraries
from kerascheck.interpreter.limits import AnalysisLimit, Budget, Limits
from kerascheck.interpreter.sizes import TOO_LARGE, range_length, small, too_large, words
from kerascheck.interpreter.values import LAZY, MISSING, Arguments, Function, Instance, Ref, Scope, Super
from kerascheck.unknown import Unknown, contains_unknown, is_unknown

if TYPE_CHECKING:
    from kerascheck.interpreter.modules import Importer, ModuleState
    from kerascheck.interpreter.origins import Origins, Place

#: the types of plain Python data, which the interpreter represents by itself
PLAIN = (int, float, complex, str, bytes, bool, type(None), tuple, list, dict, set, frozenset, range)
#: the reason of a value two branches of an unknown condition disagree on
DISAGREE = "depends on a condition kerascheck cannot evaluate"
#: the reason of the item that stands for the items of ``*value`` (how many is unknown)
SPREAD = "the items of a starred unknown value"
#: how deep ``escape`` looks into containers and objects
ESCAPE_DEPTH = 4
#: the size (in words) of a value refused once the file's are spent: smaller ones
#: are counted, and bounded by the steps that make them
LARGE_WORDS = 64


def outermost(node: cst.CSTNode, kind: type, skip: tuple[type, ...] = ()) -> list[Any]:
    """The nodes of ``kind`` inside ``node`` that no other node of ``kind`` holds, in
    source order (not looking into ``skip`` nodes): the blocks of a statement, the
    expressions of an expression."""
    found: list[Any] = []
    queue = deque(node.children)
    while queue:
        child = queue.popleft()
        if isinstance(child, kind):
            found.append(child)
        elif not isinstance(child, skip):
            queue.extend(child.children)
    return found


class Semantics:
    """State and value operations of one interpreter run (see ``engine.Interpreter``)."""

    module: cst.Module
    libraries: Libraries
    limits: Limits
    input_shapes: InputShapes | None
    main: ModuleState
    globals: Scope
    importer: Importer
    #: while code of another module runs: the call (or import) in the analysed
    #: file that led there, which stands for its nodes (lines, diagnostics)
    anchor: cst.CSTNode | None
    place: Place | None  # and where that code is (its module, the calls that led there)
    origins: Origins  # the stand-ins of its nodes (``site``)
    importing: int  # > 0 while an imported module's body runs
    steps: int
    #: the budgets of the statements being run, innermost last, above one for
    #: what runs outside them; the innermost one's end
    budgets: list[Budget]
    budget_end: int
    deadline: float  # the time guard (``Limits.max_seconds``)
    #: what the statements being run changed that outlives them, so a statement
    #: whose budget runs out can leave it unknown: (scope, name) of a module's
    #: variable, (attributes, name) of an object's, or a mutated container
    journal: list[Any]
    depth: int
    uncertain: int  # > 0 while running a branch whose condition is unknown
    uncertain_node: cst.CSTNode | None  # the outermost of those conditions' statements
    #: the branch of a condition that cannot be evaluated being run (None: certain
    #: code), and the containers, instances and library objects made in one
    region: object | None
    births: dict[int, tuple[Any, object]]
    called: set[int]  # ids of functions called at least once
    #: per function (by id) running now, the values its parameters were bound to, per call
    running: dict[int, list[dict[str, Any]]]
    instantiated: set[int]  # ids of classes of the source instantiated at least once
    escaped: dict[int, Any]  # the unknown values ``escape`` has looked into
    call_stack: list[tuple[str, cst.CSTNode | None]]  # the calls being made
    tainted: dict[int, Any]  # containers mutated under an unknown condition
    limit_hits: list[AnalysisLimit]
    library_sites: set[int]  # the calls into a library's source (of another module: its own node)
    words: int  # the memory the values made took, in words (``made``)
    words_spent: bool  # whether ``Limits.max_words`` was passed (said once)
    assigned: dict[cst.CSTNode, frozenset[str]]  # the names each statement or block may bind

    # ------------------------------------------------------------ bookkeeping
    def tick(self, node: cst.CSTNode) -> None:
        self.steps += 1
        if self.steps > self.budget_end:
            raise AnalysisLimit(self.budgets[-1].reason, node, budget=self.budgets[-1])
        if not self.steps & 1023:
            if time.monotonic() > self.deadline:
                raise AnalysisLimit(f"stopped by the {self.limits.max_seconds:g} s time guard", node, fatal=True)
            if self.limits.stop is not None and self.limits.stop():
                raise AnalysisLimit("stopped: the analysis was no longer wanted", node, fatal=True)

    def record(self, changed: Any, key: Any = MISSING) -> None:
        """Journal a change that outlives the statement being run: the variable
        ``key`` of a scope or the attribute ``key`` of an object's attributes was
        set, or the container ``changed`` was mutated."""
        self.journal.append(changed if key is MISSING else (changed, key))

    def site(self, node: Any) -> Any:
        """The node that stands for ``node`` in the analysed file: itself, or while
        code of another module runs, its stand-in (``origins``)."""
        if self.anchor is None:
            return node
        if node is None or self.place is None:
            return self.anchor
        return self.origins.stand_in(node, self.anchor, self.place)

    def context(self) -> tuple[str, cst.CSTNode | None] | None:
        """The outermost call being made (how a model built in a function was reached)."""
        return self.call_stack[0] if self.call_stack else None

    def taint(self, container: Any) -> None:
        if id(container) not in self.tainted:
            self.tainted[id(container)] = container
            self.escape(container)

    def is_tainted(self, container: Any) -> bool:
        """Whether ``container`` was changed under an unknown condition (``taint``)."""
        return id(container) in self.tainted and self.tainted[id(container)] is container

    def escape(self, value: Any) -> None:
        """``value`` is out of sight: code may change it, and the objects it holds,
        through a value kerascheck does not know (a variable two branches
        disagree on, a container changed under a condition).  Each library
        decides what that means for its objects."""
        seen: set[int] = set()
        stack = [(value, 0)]
        while stack:
            current, depth = stack.pop()
            if id(current) in seen or depth > ESCAPE_DEPTH:
                continue
            seen.add(id(current))
            if isinstance(current, (list, tuple, set, frozenset)):
                stack.extend((item, depth + 1) for item in current)
            elif isinstance(current, dict):
                stack.extend((item, depth + 1) for item in current.values())
            elif isinstance(current, Unknown):
                if id(current) in self.escaped:
                    continue  # once is enough
                self.escaped[id(current)] = current
                stack.extend((item, depth + 1) for item in (*current.among, *current.within))
            elif isinstance(current, Instance):
                stack.extend((item, depth + 1) for item in current.attrs.values())
                if current.native is not None:
                    stack.append((current.native, depth + 1))
            elif not isinstance(current, PLAIN):
                library = self.libraries.owner(current)
                if library is not None:
                    library.escaped(current)

    def born(self, value: Any) -> Any:
        """``value`` is made here: changing it later in the same branch is certain."""
        if self.region is not None:
            self.births[id(value)] = (value, self.region)
        return value

    def changes_uncertainly(self, value: Any) -> bool:
        """Whether changing ``value`` here may or may not happen, as seen from
        ``value``: the code runs under a condition it was not made under (a
        builder called under ``if args.train:`` builds its model for certain,
        if at all)."""
        if self.region is None:
            return False
        birth = self.births.get(id(value))
        return birth is None or birth[0] is not value or birth[1] is not self.region

    @contextmanager
    def maybe(self, node: cst.CSTNode) -> Iterator[None]:
        """Code that may or may not run (its condition is unknown): what it does is uncertain."""
        self.uncertain += 1
        outer, self.uncertain_node = self.uncertain_node, self.uncertain_node or node
        region, self.region = self.region, object()
        try:
            yield
        finally:
            self.uncertain -= 1
            self.uncertain_node = outer
            self.region = region

    def made(self, value: Any, node: cst.CSTNode | None) -> Any:
        """``value``, just made by an operation on plain data at ``node``: unknown past
        the limits on one value (``sizes``), and counted against the file's total
        (``Limits.max_words``).  Once that is spent, each later value of
        ``LARGE_WORDS`` or more is unknown (the first one is reported)."""
        if too_large(value):
            return Unknown(TOO_LARGE)
        cost = words(value)
        self.words += cost
        if cost < LARGE_WORDS or self.words <= self.limits.max_words:
            return value
        if not self.words_spent:
            self.words_spent = True
            message = f"the values this file makes passed {self.limits.max_words:,} words of memory"
            self.limit_hits.append(AnalysisLimit(message, self.site(node)))
        return Unknown(f"{TOO_LARGE}: {self.limits.max_words:,} words of memory were spent")

    def limit_reached(self, message: str, node: Any) -> None:
        """A library's budget ran out at ``node``: one KC002 there (the library says it once)."""
        self.limit_hits.append(AnalysisLimit(message, self.site(node)))

    def affordable(self, arguments: Arguments) -> bool:
        """Whether a built-in may run on ``arguments``: once the file's words are
        spent, not on large values (``list(range(100_000))`` would make one)."""
        values = (*arguments.positional, *arguments.keywords.values())
        return not self.words_spent or all(
            (range_length(v) if isinstance(v, range) else words(v)) < LARGE_WORDS for v in values
        )

    # ---------------------------------------------------------------- lattice
    def truth(self, value: Any) -> Any:
        """Python truthiness, or Unknown."""
        if is_unknown(value):
            return value
        if isinstance(value, PLAIN):
            return bool(value)
        library = self.libraries.owner(value)
        return library.truth(value) if library is not None else True  # objects are truthy

    def join(self, a: Any, b: Any) -> Any:
        """The value of a variable after two branches: kept only if both agree."""
        if a is b:
            return a
        if isinstance(a, Ref) and a == b:  # the same library name (``keras`` imported two ways)
            return a
        if isinstance(a, PLAIN) and isinstance(b, PLAIN) and type(a) is type(b) and small(a, b):
            try:
                if not contains_unknown(a) and not contains_unknown(b) and a == b:
                    return a
            except TypeError:
                pass
        library = self.libraries.owner(a)
        if library is not None and library is self.libraries.owner(b):
            joined = library.join(a, b)
            if joined is not NOT_HANDLED:
                return joined
        return Unknown(DISAGREE, among=(a, b))

    def iterate(self, value: Any, node: cst.CSTNode) -> Iterator[Any] | None:
        """The items of a known iterable, or None when they are unknown (a
        generator's: all of them, its body run to its end)."""
        if isinstance(value, LAZY):
            produced = self.lazy_items(value, node)
            return None if produced is None else iter(produced)
        if isinstance(value, Unknown):  # a generator it may be may be consumed
            self.lose_lazy((*value.among, *value.within), node)
        if isinstance(value, (list, tuple, range, str, set, frozenset)):
            if builtins.unordered(value):
                return None  # which item comes first differs from run to run
            if id(value) in self.tainted or (
                not isinstance(value, range) and any(isinstance(v, Unknown) and v.reason == SPREAD for v in value)
            ):
                return None  # an item of unknown content is an item; a spread is unknown items
            return iter(list(value)) if not isinstance(value, range) else iter(value)
        if isinstance(value, dict):
            return iter(list(value)) if id(value) not in self.tainted else None
        library = self.libraries.owner(value)
        items = library.items(value) if library is not None else None
        return None if items is None else iter(items)

    # --------------- implemented by the statement, expression and call parts
    def eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        raise NotImplementedError

    def exec_block(self, body: Any, scope: Scope) -> None:
        raise NotImplementedError

    def eval_slice(self, node: cst.Subscript, scope: Scope) -> Any:
        raise NotImplementedError

    def binary(self, op_type: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        raise NotImplementedError

    def assign(self, target: cst.BaseExpression, value: Any, scope: Scope) -> None:
        raise NotImplementedError

    def get_attribute(self, receiver: Any, name: str, node: cst.CSTNode) -> Any:
        raise NotImplementedError

    def set_attribute(self, receiver: Any, name: str, value: Any) -> None:
        raise NotImplementedError

    def lookup(self, name: str, scope: Scope, node: cst.CSTNode) -> Any:
        raise NotImplementedError

    def super_attribute(self, found: Super, name: str) -> Any:
        raise NotImplementedError

    def builtin(self, name: str, scope: Scope) -> Any:
        """The built-in function ``name`` (as seen from ``scope``), or MISSING."""
        raise NotImplementedError

    def call_value(self, func: Any, arguments: Arguments, node: cst.CSTNode) -> Any:
        raise NotImplementedError

    def call_function(
        self, function: Function, arguments: Arguments, node: cst.CSTNode | None = None, default_unknown: bool = False
    ) -> Any:
        raise NotImplementedError

    def lazy_items(self, lazy: Any, node: cst.CSTNode) -> list[Any] | None:
        """Every item of a generator (``generators``), or None."""
        raise NotImplementedError

    def lose_lazy(self, values: Any, node: cst.CSTNode | None) -> None:
        """Each generator among ``values`` may be consumed where kerascheck cannot see (``generators``)."""
        raise NotImplementedError

