"""The seam between the Python interpreter and the libraries it models.

The interpreter knows Python: statements, expressions, calls, the source's own
functions, classes and modules, and plain data.  Everything else belongs to a
``Library`` (Keras, NumPy, TensorFlow): a name imported from it (a ``Ref``
under one of its ``prefixes``) and the abstract values it makes (its
``types``: a Keras layer, a NumPy array).  The engine asks the library that
owns a name or a value what an operation on it gives; a hook that does not
apply returns ``NOT_HANDLED`` and the engine goes on as Python would (most
often: the result is unknown).

A library sees the interpreter as a ``Host``: the few things it may ask of the
Python side (run a function of the source, how uncertain the current branch
is, which call led here).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple, Protocol, Sequence

from kerascheck.interpreter.limits import Limits
from kerascheck.interpreter.values import Arguments, Function, Instance, Ref
from kerascheck.unknown import Unknown

if TYPE_CHECKING:
    import libcst as cst


class _NotHandled:
    def __repr__(self) -> str:
        return "NOT_HANDLED"


NOT_HANDLED: Any = _NotHandled()
"""What a hook returns when the operation is not the library's to answer."""


class Source(NamedTuple):
    """Where a library's own source defines one of its names: global ``name`` of
    module ``module``, read from the file ``path``."""

    module: str
    path: Path
    name: str


class Host(Protocol):
    """What a library may ask of the interpreter."""

    limits: Limits

    def site(self, node: Any) -> Any:
        """The node of the analysed file that stands for ``node`` (the call that led
        to another module's code)."""

    def limit_reached(self, message: str, node: Any) -> None:
        """A budget of the library's ran out at ``node`` (reported once by the library: KC002)."""

    @property
    def uncertain(self) -> int:
        """How many conditions that cannot be evaluated the current code runs under (0: certain)."""

    @property
    def region(self) -> object | None:
        """An opaque mark of the branch of an unknown condition being run (None: certain code)."""

    @property
    def uncertain_node(self) -> cst.CSTNode | None:
        """The statement of the outermost of those conditions."""

    def born(self, value: Any) -> Any:
        """Note that ``value`` (a library's object) is made here; returns it."""

    def changes_uncertainly(self, value: Any) -> bool:
        """Whether changing ``value`` here may or may not happen, as seen from ``value``
        (the code runs under a condition it was not made under)."""

    def is_tainted(self, container: Any) -> bool:
        """Whether ``container`` (a list, dict or set) was changed under a condition
        that cannot be evaluated (what it holds is unknown)."""

    @property
    def importing(self) -> int:
        """How many imported modules' bodies are running (0: the analysed file's code)."""

    def context(self) -> tuple[str, cst.CSTNode | None] | None:
        """The outermost call being made (how a model built in a function was reached)."""

    def call_function(self, function: Function, arguments: Arguments, node: cst.CSTNode | None = None) -> Any:
        """Run a function of the source (a method: its receiver first) and return its result."""

    def next_item(self, lazy: Any, node: cst.CSTNode, default: Any = ...) -> Any:
        """``next(lazy, default)`` of a generator of the source: its first item, or Unknown."""


class Library:
    """A library the interpreter models.  Every hook's default leaves the
    operation to the interpreter (``NOT_HANDLED``, or what Python does for an
    object it knows nothing of)."""

    #: dotted names the library provides (``"keras"`` stands for ``keras`` and ``keras.*``)
    prefixes: tuple[str, ...] = ()
    #: the types of the abstract values it makes
    types: tuple[type, ...] = ()
    #: top-level packages whose source is the library's: followed only by a file
    #: of the same folder (the library's own modules, when they are analysed)
    packages: tuple[str, ...] = ()
    #: modules the library models itself: never read from source
    modelled_modules: frozenset[str] = frozenset()
    #: third-party packages built on the library (top-level module: its PyPI name)
    #: whose installed source is read like the project's own modules
    source_packages: dict[str, str] = {}
    #: the values of the constants it provides, by dotted name (``numpy.pi``)
    constants: dict[str, Any] = {}
    #: attributes whose use on one of its objects changes nothing the library
    #: tracks (``model.fit``): used on a value two branches disagree on, they let
    #: the objects it may be stay in sight (``Semantics.escape``)
    harmless: frozenset[str] = frozenset()

    host: Host

    def attach(self, host: Host) -> None:
        """Called by the interpreter that will run with this library."""
        self.host = host

    # ------------------------------------------------------------------ names
    def canonical(self, path: str) -> str:
        """One spelling for the library's names (``tensorflow.keras.X`` is ``keras.X``)."""
        return path

    def provides(self, ref: Ref) -> bool:
        """Whether ``from MODULE import *`` of the library binds ``ref``'s last name."""
        return False

    def implicit(self, name: str, node: cst.CSTNode, receiver: bool) -> Any:
        """What a snippet means by ``name``, which the analysed file reads but never
        binds (``receiver``: its first use is ``name.add(...)``); None: nothing."""
        return None

    def source(self, ref: Ref) -> Source | None:
        """The library's source that defines ``ref``, when the interpreter should run
        that code like the project's own rather than ask ``call_name``."""
        return None

    # ------------------------------------------------------------------ calls
    def call_name(self, ref: Ref, arguments: Arguments, node: cst.CSTNode) -> Any:
        """Call a name the library provides (``ref`` is under its prefixes)."""
        return NOT_HANDLED

    def call(self, func: Any, arguments: Arguments, node: cst.CSTNode) -> Any:
        """Call ``func``, a value of the library's types."""
        return NOT_HANDLED

    def call_unknown(self, label: str, arguments: Arguments, node: cst.CSTNode, why: str = "") -> Any:
        """Call something defined outside the analysed code (``label``: its name, if
        known; ``why``: why kerascheck cannot see it, when it knows more than that)."""
        return NOT_HANDLED

    # ----------------------------------------------------------------- values
    def attribute(self, value: Any, name: str, node: cst.CSTNode) -> Any:
        return Unknown(f".{name}")

    def set_attribute(self, value: Any, name: str, new: Any, uncertain: bool) -> None:
        """``value.name = new`` (``uncertain``: under a condition that cannot be evaluated)."""

    def subscript(self, value: Any, key: Any, node: cst.CSTNode) -> Any:
        return Unknown("subscript of an object")

    def set_item(self, value: Any, key: Any, new: Any) -> None:
        """``value[key] = new``."""

    def binary(self, op: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        """``left op right`` (``op``: a libcst operator class) where one side is the library's."""
        return NOT_HANDLED

    def compare(self, op: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        """A single ``==``, ``<``... where one side is the library's."""
        return NOT_HANDLED

    def unary(self, op: Any, value: Any, node: cst.CSTNode) -> Any:
        """``-value``, ``+value``, ``~value`` (``op``: the libcst operator)."""
        return NOT_HANDLED

    def augmented(self, value: Any) -> Any:
        """``value op= ...`` when the library changes ``value`` in place: the value after it."""
        return NOT_HANDLED

    def truth(self, value: Any) -> Any:
        """``bool(value)``, or Unknown."""
        return True

    def items(self, value: Any) -> Iterable[Any] | None:
        """What iterating over ``value`` gives (None: unknown)."""
        return None

    def unpack(self, value: Any, count: int, starred: bool) -> list[Any] | None:
        """The items of ``a, b = value`` (``count`` targets, one of them starred or not)
        when ``value`` does not iterate (None: unknown).  Asked of every library, for
        any value."""
        return None

    def join(self, a: Any, b: Any) -> Any:
        """The value after two branches that gave ``a`` and ``b`` (both the library's)."""
        return NOT_HANDLED

    # ----------------------------------------------------- classes of the source
    def instantiate(self, cls: Any, arguments: Arguments, node: cst.CSTNode) -> Any:
        """``cls(...)`` for a class of the source deriving from one of the library's."""
        return NOT_HANDLED

    def instance_attribute(self, instance: Instance, name: str) -> Any:
        """``instance.name`` that neither the instance nor its classes of the source define."""
        return Unknown(f"{instance.cls.name}.{name}")

    def instance_assigned(self, instance: Instance, name: str, value: Any) -> None:
        """``instance.name = value`` was run (the instance's ``native`` is the library's)."""

    def instance_of(self, value: Any) -> Instance | None:
        """The instance of a class of the source that ``value`` stands for, if any."""
        return None

    def super_attribute(self, receiver: Instance, name: str) -> Any:
        """``super().name`` that resolves to one of the library's classes."""
        return NOT_HANDLED

    # ------------------------------------------------------------------- runs
    def new_session(self) -> None:
        """A fresh session (an entry point runs as if alone)."""

    def final_steps(self) -> list[Callable[[], None]]:
        """Steps to run after the module and its entry points (each on a budget of its own)."""
        return []

    def method_ran(self, instance: Any, name: str, arguments: Arguments) -> None:
        """The source's method ``name`` of ``instance`` (of a subclass of one of the
        library's classes) ran, called by the program with ``arguments``."""

    def runs_methods_of(self, cls: Any) -> bool:
        """Whether the methods of ``cls`` (a class of the source nothing
        instantiated) may run as entry points: not for the library's own kinds
        of object, which it reports itself."""
        return True

    def escaped(self, value: Any) -> None:
        """``value`` (one of the library's) may from now on be changed by code
        kerascheck cannot follow (``Semantics.escape``)."""

    def checkpoint(self) -> Any:
        """A mark of the library's state before a statement runs (for ``abandoned``)."""
        return None

    def abandoned(self, mark: Any, reason: str) -> None:
        """The statement that started at ``mark`` was cut short (a budget ran out):
        what it built or changed since is uncertain, for ``reason``."""


class Libraries:
    """The libraries of one analysis, in the order they are asked."""

    def __init__(self, libraries: Sequence[Library] = ()) -> None:
        self.all = tuple(libraries)
        self._owners: dict[type, Library | None] = {}
        #: the libraries by the first part of the names they provide (``keras`` for ``keras.layers``)
        self._providers: dict[str, list[tuple[str, Library]]] = {}
        for library in self.all:
            for prefix in library.prefixes:
                self._providers.setdefault(prefix.partition(".")[0], []).append((prefix, library))
        self.constants = {path: value for lib in reversed(self.all) for path, value in lib.constants.items()}
        self.packages = frozenset(p for lib in self.all for p in lib.packages)
        self.modelled_modules = frozenset(m for lib in self.all for m in lib.modelled_modules)
        self.source_packages = {m: d for lib in reversed(self.all) for m, d in lib.source_packages.items()}
        self.harmless = frozenset(name for lib in self.all for name in lib.harmless)
        #: the libraries that have spellings of their own (the only one, called directly: it is asked often)
        spellings = [lib.canonical for lib in self.all if type(lib).canonical is not Library.canonical]
        self.canonical: Callable[[str], str] = spellings[0] if len(spellings) == 1 else self._respell
        self._spellings = spellings

    def _respell(self, path: str) -> str:
        """One spelling for a dotted name, as every library writes its names."""
        for canonical in self._spellings:
            path = canonical(path)
        return path

    def for_ref(self, ref: Ref) -> Library | None:
        """The library that provides ``ref``."""
        for prefix, library in self._providers.get(ref.path.partition(".")[0], ()):
            if "." not in prefix or ref.within(prefix):
                return library
        return None

    def missing_package(self, path: str) -> str:
        """Why the name ``path`` of a third-party package the libraries know
        (``source_packages``) cannot be read: it is not installed; "" otherwise."""
        top = path.partition(".")[0]
        if top not in self.source_packages or installed_package(top) is not None:
            return ""
        return f"the package {self.source_packages[top]} (module {top}), which is not installed where kerascheck runs"

    def owner(self, value: Any) -> Library | None:
        """The library whose value ``value`` is."""
        kind = type(value)
        if kind not in self._owners:
            self._owners[kind] = next((lib for lib in self.all if issubclass(kind, lib.types)), None)
        return self._owners[kind]


def installed_package(name: str) -> Path | None:
    """The folder of the installed top-level package ``name`` (found on ``sys.path``,
    never imported), or None."""
    if not name.isidentifier():
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None
