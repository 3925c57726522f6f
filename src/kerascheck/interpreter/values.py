"""The values of the Python interpreter besides plain Python data.

Plain Python data (ints, strings, tuples, lists, dicts) is represented by
itself; ``Unknown`` stands for anything not determined statically.  Here are
the source's own functions, classes, instances and scopes, names imported from
libraries (``Ref``), and the arguments of a call.  The values a library makes
(Keras layers, NumPy arrays) are defined by that library (see ``library``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import libcst as cst

from kerascheck.brief import Brief
from kerascheck.unknown import Unknown


@dataclass(frozen=True)
class Ref:
    """A name imported from a library: ``keras.layers.Conv2D``, ``math.ceil``, ``numpy``."""

    path: str

    @property
    def last(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def within(self, package: str) -> bool:
        """Whether the name is ``package`` or inside it (``keras.layers.Dense`` is within ``keras``)."""
        return self.path == package or self.path.startswith(package + ".")


class Foreign(Unknown):
    """The result of calling something defined outside the analysed code."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        super().__init__(f"{label} is defined outside this file")
        self.label = label


class EachMethod(Unknown):
    """``model.compile`` on a value that is one of several (a model built here or one
    loaded from a file): the library ``methods`` of those kerascheck knows, each of
    which may be the one called (``Calls.call_value`` runs each under ``maybe``);
    the call's result is unknown."""

    __slots__ = ("methods",)

    def __init__(self, methods: tuple[Any, ...]) -> None:
        super().__init__("a method of a value that is one of several")
        self.methods = methods


class Arguments:
    """The arguments of a call: ``positional`` values, ``keywords`` by name, and
    whether ``*args``/``**kwargs`` of unknown content were passed too (``opaque``:
    then any parameter may be among them)."""

    __slots__ = ("positional", "keywords", "opaque")

    def __init__(self, positional: list[Any] | None = None, keywords: dict[str, Any] | None = None, opaque: bool = False) -> None:
        self.positional: list[Any] = [] if positional is None else positional
        self.keywords: dict[str, Any] = {} if keywords is None else keywords
        self.opaque = opaque

    def __repr__(self) -> str:
        return f"Arguments({self.positional!r}, {self.keywords!r}, opaque={self.opaque})"

    def but(self, positional: list[Any] | None = None, keywords: dict[str, Any] | None = None) -> "Arguments":
        """The same opacity with other positional values or keywords."""
        return Arguments(
            list(self.positional) if positional is None else positional,
            dict(self.keywords) if keywords is None else keywords,
            self.opaque,
        )


@dataclass(frozen=True)
class Opaque:
    """A library object whose contents do not change shapes (a Keras optimizer, a loss...).

    ``what`` is its canonical path (``keras.losses.CategoricalCrossentropy``);
    ``arguments`` keeps the keyword arguments it was created with, for rules
    (``from_logits=True``), ``positional`` its positional ones; ``complete`` is
    False when ``*args``/``**kwargs`` of unknown content were passed too.
    """

    what: str
    arguments: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    positional: tuple[Any, ...] = field(default=(), hash=False, compare=False)
    complete: bool = field(default=True, hash=False, compare=False)
    #: the call that made it, where known (what a rule about it points at)
    node: Any = field(default=None, hash=False, compare=False)


class Scope:
    """Variables of a module, function call or class body; ``module`` is the
    module whose code it belongs to (a ``modules.ModuleState``).

    A method's call also records its receiver and the class that defined it
    (``method``: what ``super()`` needs), and a call whose function returned in
    only one branch of an unknown condition ``maybe_returned`` (then what it
    returns later is uncertain)."""

    __slots__ = ("vars", "parent", "globals_", "nonlocals", "is_class_body", "module", "method", "maybe_returned")

    def __init__(self, parent: "Scope | None" = None, is_class_body: bool = False, module: Any = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.is_class_body = is_class_body
        self.globals_: set[str] = set()
        self.nonlocals: set[str] = set()
        self.module: Any = module if module is not None or parent is None else parent.module
        self.method: tuple[Any, Any] | None = None  # (receiver, owner) of a method's call
        self.maybe_returned: Any = MISSING  # what it may have returned under a condition

    def enclosing_method(self) -> tuple[Any, Any] | None:
        """(receiver, owner) of the innermost method call this scope is in, if any."""
        current: Scope | None = self
        while current is not None:
            if current.method is not None:
                return current.method
            current = current.parent
        return None


@dataclass(eq=False, repr=False)
class Function(Brief):
    """A function (or lambda) defined in the analysed source."""

    name: str
    node: cst.FunctionDef | cst.Lambda
    closure: Scope
    defaults: dict[str, Any]
    module: Any  # the ModuleState it was defined in
    is_method: bool = False
    owner: Any = None  # the Class whose body defined it (for super())
    #: what an attribute lookup binds it to: "instance" (a plain method: the
    #: instance), "class" (``@classmethod``: the class) or "static" (nothing)
    binding: str = "instance"


@dataclass(eq=False, repr=False)
class Class(Brief):
    """A class defined in the analysed source."""

    name: str
    node: cst.ClassDef
    bases: list[Any]
    namespace: dict[str, Any]

    def lookup(self, name: str) -> Any:
        if name in self.namespace:
            return self.namespace[name]
        for base in self.bases:
            if isinstance(base, Class):
                found = base.lookup(name)
                if found is not MISSING:
                    return found
        return MISSING

    def mro(self) -> list[Any]:
        """Python's method resolution order (C3); a base that is not a class of
        the source (``keras.layers.Layer``) ends its own line."""
        lines = [base.mro() if isinstance(base, Class) else [base] for base in self.bases] + [list(self.bases)]
        order: list[Any] = [self]
        while True:
            lines = [line for line in lines if line]
            if not lines:
                return order
            head = next((line[0] for line in lines if not any(line[0] in other[1:] for other in lines)), MISSING)
            if head is MISSING:
                return order  # Python rejects this hierarchy
            order.append(head)
            lines = [line[1:] if line[0] == head else line for line in lines]

    def library_bases(self) -> list[Ref]:
        """The library classes among its bases, depth first (``keras.layers.Layer``)."""
        found: list[Ref] = []
        for base in self.bases:
            if isinstance(base, Class):
                found += base.library_bases()
            elif isinstance(base, Ref):
                found.append(base)
        return found


@dataclass(eq=False, repr=False)
class Instance(Brief):
    """An instance of a class defined in the source; ``native`` is the library
    object it is, for a subclass of a library class (the Keras layer of a
    subclass of ``keras.layers.Layer``)."""

    cls: Class
    attrs: dict[str, Any] = field(default_factory=dict)
    native: Any = None


@dataclass(eq=False, repr=False)
class Super(Brief):
    """``super()`` in a method of ``owner`` called on ``receiver``."""

    receiver: Any
    owner: Any


@dataclass(eq=False, repr=False)
class Partial(Brief):
    """``functools.partial(func, *args, **keywords)``: calling it calls ``func``
    with these arguments first."""

    func: Any
    arguments: Arguments


@dataclass(eq=False, repr=False)
class BoundMethod(Brief):
    """A method bound to its receiver: a ``Function`` of the source, or the name of
    a method of plain data (``items.append``)."""

    receiver: Any
    function: Any


@dataclass(eq=False)
class Builtin:
    """A function the interpreter (or a library) implements itself (``len``,
    ``math.ceil``, ``x.reshape`` of a NumPy array...)."""

    name: str
    impl: Callable[[Arguments], Any]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


@dataclass(eq=False, repr=False)
class Generator(Brief):
    """A generator object: ``function`` of the source (whose body yields) called
    with its parameters in ``scope``, or a generator ``expression`` (a
    ``cst.GeneratorExp``: its items come from ``source``, its first iterable,
    evaluated where it was made); its body runs only as it is consumed
    (``generators``).

    ``state`` is "new" (its body has not run), "running", "done" (its body ran
    to its end), "stopped" (at a ``yield``: kerascheck does not resume it) or
    "lost" (what it yields is unknown, and what its body may change uncertain).
    """

    function: Function | None
    scope: Scope
    expression: Any = None
    source: Any = None
    state: str = "new"
    escaped: bool = False  # given to code kerascheck cannot see while its body ran

    @property
    def node(self) -> cst.CSTNode:
        """The function's definition, or the generator expression."""
        return self.expression if self.function is None else self.function.node


@dataclass(frozen=True)
class Step:
    """One lazy step on a generator's items: ``kind`` is "enumerate" (from
    ``start``), "islice" (``start``, ``stop``, ``step``) or "zip" (the items of
    the other iterables, ``before`` and ``after`` the generator among ``zip``'s
    arguments)."""

    kind: str
    start: int = 0
    stop: int | None = None
    step: int = 1
    before: tuple[Sequence[Any], ...] = ()
    after: tuple[Sequence[Any], ...] = ()


@dataclass(eq=False, repr=False)
class Stream(Brief):
    """The items of ``generator`` as ``enumerate``, ``zip`` or ``itertools.islice``
    of it give them, lazily: each of ``steps`` in order."""

    generator: Generator
    steps: tuple[Step, ...] = ()


#: the values whose items come from running a generator's body
LAZY = (Generator, Stream)
