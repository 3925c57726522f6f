"""Abstract values the interpreter manipulates besides plain Python data.

Plain Python data (ints, strings, tuples, lists, dicts) is represented by
itself; ``Unknown`` stands for anything not determined statically; graph
objects (layers, tensors, models) come from ``kerascheck.graph``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import libcst as cst

KERAS_PREFIXES = (
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras.src", "keras"),
)


def canonical(path: str) -> str:
    """Map every spelling of the Keras package onto ``keras``."""
    for prefix, replacement in KERAS_PREFIXES:
        if path == prefix or path.startswith(prefix + "."):
            return replacement + path[len(prefix):]
    return path


@dataclass(frozen=True)
class Ref:
    """A name imported from a library: ``keras.layers.Conv2D``, ``math.ceil``, ``numpy``."""

    path: str

    def attr(self, name: str) -> "Ref":
        return Ref(canonical(f"{self.path}.{name}"))

    @property
    def last(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def is_keras(self) -> bool:
        return self.path == "keras" or self.path.startswith("keras.")


@dataclass(frozen=True)
class Opaque:
    """A Keras object whose contents do not change shapes (an optimizer, a loss...).

    ``what`` is its canonical path (``keras.losses.CategoricalCrossentropy``);
    ``arguments`` keeps the keyword arguments it was created with, for rules
    (``from_logits=True``), ``positional`` its positional ones; ``complete`` is
    False when ``*args``/``**kwargs`` of unknown content were passed too.
    """

    what: str
    arguments: dict = field(default_factory=dict, hash=False, compare=False)
    positional: tuple = field(default=(), hash=False, compare=False)
    complete: bool = field(default=True, hash=False, compare=False)


class Scope:
    """Variables of a module, function call or class body; ``module`` is the
    module whose code it belongs to (a ``modules.ModuleState``)."""

    __slots__ = ("vars", "parent", "globals_", "nonlocals", "is_class_body", "module")

    def __init__(self, parent: "Scope | None" = None, is_class_body: bool = False, module: Any = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.is_class_body = is_class_body
        self.globals_: set[str] = set()
        self.nonlocals: set[str] = set()
        self.module = module if module is not None or parent is None else parent.module


@dataclass(eq=False)
class Function:
    """A function (or lambda) defined in the analysed source."""

    name: str
    node: cst.FunctionDef | cst.Lambda
    closure: Scope
    defaults: dict[str, Any]
    module: Any  # the ModuleState it was defined in
    is_method: bool = False
    owner: Any = None  # the Class whose body defined it (for super())


@dataclass(eq=False)
class Class:
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

    def keras_base(self) -> str | None:
        """``Layer``, ``Model`` or ``Sequential`` if the class derives from a Keras base class."""
        for base in self.bases:
            if isinstance(base, Class):
                found = base.keras_base()
                if found:
                    return found
            elif isinstance(base, Ref) and base.is_keras:
                return base.last if base.last in ("Model", "Sequential") else "Layer"
        return None


@dataclass(eq=False)
class Instance:
    """An instance of a class defined in the source; ``keras`` is the layer it is,
    for a subclass of ``keras.layers.Layer``."""

    cls: Class
    attrs: dict[str, Any] = field(default_factory=dict)
    keras: Any = None


@dataclass(eq=False)
class Super:
    """``super()`` in a method of ``owner`` called on ``receiver``."""

    receiver: Any
    owner: Any


@dataclass(eq=False)
class BoundMethod:
    receiver: Any
    function: Any


@dataclass(eq=False)
class Builtin:
    """A function the interpreter implements itself (``len``, ``math.ceil``...)."""

    name: str
    impl: Callable[..., Any]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()
