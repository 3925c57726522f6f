"""Functions that cannot build anything kerascheck reports, told from their code.

An entry point (a top-level function nothing in the file calls) is run with
its defaults for what it builds.  Most functions of a library's or a
project's helper modules build nothing: running each costs time and finds
nothing.  ``is_inert`` says, without running it, that calling a function
cannot make a layer, a model or any other fact the rules read, nor change
anything that outlives the call: every name its code reads (its own, and
those of the functions and classes of the source they name, however
indirectly) is its own local variable, plain data, a built-in that calls
nothing it is not given, a library's name outside Keras, or a value
kerascheck does not know (calling it makes nothing), and it sets no global,
imports nothing and changes no container it did not make.  Anything else, or
a name it cannot place, says "not inert": the function runs, as before.
"""

from __future__ import annotations

from typing import Any, FrozenSet, Iterator, List, Optional, Tuple, cast

import libcst as cst

from kerascheck.interpreter.builtins import MUTATING_METHODS
from kerascheck.interpreter.modules import ModuleState
from kerascheck.interpreter.values import Class, Foreign, Function, Ref, Scope
from kerascheck.interpreter.walk import children
from kerascheck.unknown import Unknown

#: built-ins that make plain values, or call only what they are given
SAFE_BUILTINS = frozenset(
    """abs all any ascii bin bool bytearray bytes callable chr complex dict divmod enumerate filter
    float format frozenset getattr hasattr hash hex id int isinstance issubclass iter len list map max
    min next object oct ord pow print range repr reversed round set slice sorted str sum tuple type zip
    super property staticmethod classmethod open NotImplemented Ellipsis True False None __name__
    __file__ __doc__""".split()
)
#: how many names read one question may look at before it says "not inert"
MAX_NAMES = 5_000
#: Keras names that make or change nothing: its operations, backend functions, nested
#: structure and random helpers, argument checks, file and console helpers (functions,
#: not classes: see ``check_ref``)
_KERAS_OPERATIONS = tuple(
    f"keras.{src}{name}."
    for src in ("", "src.")
    for name in ("ops", "backend", "tree", "random", "utils.argument_validation", "utils.file_utils", "utils.io_utils")
)
#: the backend functions that change Keras's state (the image format, float type, names)
_KERAS_SETTERS = ("set_", "clear_session", "image_dim_ordering", "reset_uids")


def is_inert(function: Function, libraries: Any, summaries: dict[int, Summary] | None = None) -> bool:
    """Whether calling ``function`` (with any arguments it can be given) cannot
    build or change anything kerascheck reports; ``libraries``: the run's;
    ``summaries``: what each function's code reads, kept for the file's later
    questions (by node)."""
    return _Question(libraries, {} if summaries is None else summaries).function(function)


#: what a function's code does, read from it once: "not inert" (``None``: it sets a
#: global, imports or deletes), else each name read (with the attributes read from
#: it and whether it is changed in place) and the names it binds
Summary = Optional[Tuple[List[Tuple[str, List[str], bool]], FrozenSet[str]]]


class _NotInert(Exception):
    pass


class _Question:
    def __init__(self, libraries: Any, summaries: dict[int, Summary]) -> None:
        self.libraries = libraries
        self.summaries = summaries
        self.seen: set[int] = set()
        self.names = 0

    def function(self, function: Function) -> bool:
        try:
            self.check_function(function)
        except Exception:  # noqa: BLE001 - _NotInert, or a value it cannot read: the function runs
            return False
        return True

    # ------------------------------------------------------------ values
    def check_value(self, value: Any, depth: int = 0) -> None:
        if value is None or isinstance(value, (bool, int, float, complex, str, bytes)) or id(value) in self.seen:
            return
        if depth > 20:
            raise _NotInert()
        if isinstance(value, (tuple, frozenset, list, set, dict)):
            self.seen.add(id(value))
            if len(value) > 1000:
                raise _NotInert()
            for item in [*value.keys(), *value.values()] if isinstance(value, dict) else list(value):
                self.check_value(item, depth + 1)
            return
        if type(value) in (Unknown, Foreign):  # calling it makes nothing; one of several values: each
            for item in (*value.among, *value.within):
                self.check_value(item, depth + 1)
            return
        if isinstance(value, Function):
            self.check_function(value)
            return
        if isinstance(value, Class):
            self.check_class(value)
            return
        if isinstance(value, Ref):
            self.check_ref(value.path)
            return
        raise _NotInert()  # an instance, a module, a library's object: may do anything

    def check_ref(self, path: str) -> None:
        """A library's name: Keras's (or TensorFlow's Keras) only as an operation."""
        library = self.libraries.for_ref(Ref(path))
        if library is None:
            if path.startswith("sys.path") or path.startswith("importlib") or path == "builtins":
                raise _NotInert()
            return  # a library kerascheck does not model: calling it makes nothing
        if "keras" not in path.split("."):
            if library is self.libraries.all[0]:  # the Keras library (``Dense`` imported bare)
                raise _NotInert()
            return
        canonical = self.libraries.canonical(path)
        if not any(canonical.startswith(prefix) for prefix in _KERAS_OPERATIONS):
            raise _NotInert()
        last = canonical.rsplit(".", 1)[-1]
        if last.startswith(_KERAS_SETTERS) or last[:1].isupper():
            raise _NotInert()

    def check_class(self, cls: Class) -> None:
        self.seen.add(id(cls))
        for base in cls.bases:
            if not isinstance(base, Class):  # (``object`` is no base here: the interpreter leaves it out)
                raise _NotInert()  # a library's class: what instantiating it does is the library's
            if id(base) not in self.seen:
                self.check_class(base)
        for value in cls.namespace.values():
            if isinstance(value, Function) and id(value) not in self.seen:
                self.check_function(value)
            elif not isinstance(value, Function):
                self.check_value(value)

    def check_function(self, function: Function) -> None:
        self.seen.add(id(function))
        for value in function.defaults.values():
            self.check_value(value)
        summary = self.summaries.get(id(function.node))
        if summary is None and id(function.node) not in self.summaries:
            summary = self.summaries[id(function.node)] = summarise(function.node)
        if summary is None:
            raise _NotInert()
        reads, local = summary  # (its decorators ran when it was defined: calling it runs its body)
        self.names += len(reads)
        if self.names > MAX_NAMES:
            raise _NotInert()
        changes_own, reads_container = False, False
        for name, attributes, changed in reads:
            value = _lookup(function.closure, name)  # (a local variable may shadow it: checked all the same)
            if value is _NOT_FOUND:
                if name in local or name in SAFE_BUILTINS or name.endswith(("Error", "Exception", "Warning")):
                    changes_own = changes_own or changed
                    continue
                raise _NotInert()  # a star import's, or a name the file leaves undefined
            value, attributes = _attribute_of_module(value, attributes)
            reads_container = reads_container or isinstance(value, (list, dict, set))
            if isinstance(value, Ref):
                self.check_ref(".".join((value.path, *attributes)))
                continue
            if changed and not isinstance(value, (Function, Class)) and type(value) not in (Unknown, Foreign):
                raise _NotInert()  # a global container or object changed in place
            self.check_value(value)
        if changes_own and reads_container:  # ``rows = ROWS; rows.append(x)``: perhaps the global
            raise _NotInert()


def summarise(node: cst.FunctionDef | cst.Lambda) -> Summary:
    """``node``'s ``Summary``."""
    reads: list[tuple[str, list[str], bool]] = []
    bound: set[str] = set()
    for found in _reads(node, bound):
        if not isinstance(found, tuple):
            return None
        reads.append(found)
    return reads, frozenset(bound)


def _attribute_of_module(value: Any, attributes: list[str]) -> tuple[Any, list[str]]:
    """``module.name...``: what a module of the project binds ``name`` to (and the
    attributes read from that), as far as modules go."""
    while isinstance(value, ModuleState) and attributes and attributes[0] in value.globals.vars:
        value, attributes = value.globals.vars[attributes[0]], attributes[1:]
    return value, attributes


_NOT_FOUND = object()


def _lookup(scope: Scope | None, name: str) -> Any:
    while scope is not None:
        if name in scope.vars and not scope.is_class_body:
            return scope.vars[name]
        scope = scope.parent
    return _NOT_FOUND


def _reads(root: cst.CSTNode, bound: set[str]) -> Iterator[Any]:
    """The statements that say "not inert" (``global``, imports, ``del``), and each
    name read: ``(name, attributes read from it, whether it is changed in place)``;
    adds to ``bound`` every name the code binds, in it or in the functions,
    classes and comprehensions it holds (a name read that is one of them and no
    global is a local variable; one that is also a global is checked as the global).

    A node's kind is told by ``type(node) is``: libcst's concrete node classes
    have no subclasses (``tests/interpreter/test_walk.py``), and ``isinstance``
    against them goes through ``ABCMeta``, slowly."""
    stack: list[cst.CSTNode] = [root]
    while stack:
        popped = stack.pop()
        kind = type(popped)
        node: Any = popped  # its kind is known from ``kind``
        if kind is cst.Name or kind is cst.Attribute:
            chain, head = _chain(node)
            if type(head) is cst.Name:
                yield head.value, chain, False
            else:
                stack.append(head)
            continue
        if kind is cst.Arg:
            stack.append(node.value)
            continue
        if kind is cst.Call:
            func = node.func
            if type(func) is cst.Name and func.value in ("isinstance", "issubclass") and len(node.args) == 2:
                # the classes only compared with: none is called (``isinstance(x, KerasVariable)``)
                yield func.value, [], False
                stack.append(node.args[0].value)
                classes = node.args[1].value
                for element in classes.elements if type(classes) is cst.Tuple else [cst.Element(classes)]:
                    if type(_chain(element.value)[1]) is not cst.Name:
                        stack.append(element.value)
                continue
            if type(func) is cst.Attribute and func.attr.value in MUTATING_METHODS:
                chain, head = _chain(func)  # ``x.append(y)``, or a library's ``np.add(a, b)``
                if type(head) is cst.Name:
                    yield head.value, chain, True
                else:
                    stack.append(head)
                stack.extend(arg.value for arg in node.args)
                continue
        elif kind in _BINDS_TARGET:
            bound.update(_target_names(node.target))
        elif kind is cst.WithItem:
            if node.asname is not None:
                bound.update(_target_names(node.asname.name))
        elif kind is cst.ExceptHandler:
            if node.name is not None:
                bound.update(_target_names(node.name.name))
        elif kind in _NOT_INERT:
            yield node
            continue
        elif kind in _ASSIGNS:
            target = node.target
            bound.update(_target_names(target))
            target_kind = type(target)
            if target_kind is cst.Attribute or target_kind is cst.Subscript:
                chain, head = _chain(target.value)
                if type(head) is cst.Name:
                    yield head.value, chain, True
                else:
                    stack.append(head)
                if target_kind is cst.Subscript:
                    stack.extend(target.slice)
            elif target_kind is cst.Tuple or target_kind is cst.List:
                stack.append(target)
            elif kind is cst.AugAssign and target_kind is cst.Name:
                yield target.value, [], False  # ``x += 1``: a local (else ``global``, said above)
            if kind is not cst.AssignTarget:
                stack.extend(c for c in (node.value, getattr(node, "annotation", None)) if c is not None)
            continue
        elif kind is cst.Param:
            bound.add(node.name.value)
            stack.extend(c for c in (node.default, node.annotation) if c is not None)
            continue
        elif kind is cst.FunctionDef or kind is cst.ClassDef:
            if node is not root:
                bound.add(node.name.value)
            stack.extend(d.decorator for d in node.decorators)
            if kind is cst.ClassDef:
                stack.extend(arg.value for arg in (*node.bases, *node.keywords))
            else:
                stack.append(node.params)
                if node.returns is not None:
                    stack.append(node.returns)
            stack.append(node.body)
            continue
        stack.extend(children(node))


#: the nodes that bind the names of their ``target``
_BINDS_TARGET = frozenset((cst.For, cst.CompFor, cst.NamedExpr))
#: the statements that say "not inert"
_NOT_INERT = frozenset((cst.Global, cst.Nonlocal, cst.Import, cst.ImportFrom, cst.Del))
#: the assignments (their targets are bound, or changed in place)
_ASSIGNS = frozenset((cst.AssignTarget, cst.AugAssign, cst.AnnAssign))


def _chain(node: cst.BaseExpression) -> tuple[list[str], cst.BaseExpression]:
    """``a.b.c``: (["b", "c"], the ``a`` node); any other expression: ([], itself)."""
    attributes: list[str] = []
    while type(node) is cst.Attribute:
        attributes.append(node.attr.value)
        node = node.value
    attributes.reverse()
    return attributes, node


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    kind = type(target)
    if kind is cst.Name:
        yield cast(cst.Name, target).value
    elif kind is cst.Tuple or kind is cst.List:
        for element in cast("cst.Tuple | cst.List", target).elements:
            yield from _target_names(element.value)
    elif kind is cst.StarredElement:
        yield from _target_names(cast(cst.StarredElement, target).value)
