"""Calls: functions and classes of the source, built-ins, and library calls.

A call evaluates its arguments into ``Arguments`` (``*args``/``**kwargs`` of
unknown content make them ``opaque``).  A function of the source runs in a
new scope with its parameters bound; a class of the source is instantiated
(by the library its bases come from, when they are a library's); a library
name or value is the library's to call; anything defined outside the
analysed code gives an unknown result (``Foreign``).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import libcst as cst

from kerascheck.interpreter import builtins
from kerascheck.interpreter.library import NOT_HANDLED
from kerascheck.interpreter.limits import AnalysisLimit, Raise, Return
from kerascheck.interpreter.generators import Generators
from kerascheck.interpreter.semantics import PLAIN
from kerascheck.interpreter.sizes import TOO_LARGE, small
from kerascheck.interpreter.values import (
    LAZY,
    MISSING,
    Arguments,
    BoundMethod,
    Builtin,
    Class,
    EachMethod,
    Foreign,
    Function,
    Instance,
    Opaque,
    Partial,
    Ref,
    Scope,
    Super,
)
from kerascheck.unknown import Unknown, contains_unknown, is_unknown

BUILTIN_NAMES: dict[str, Any] = {"NotImplemented": Opaque("NotImplemented")}
#: the built-ins that take every item of an iterable they are given (a generator: its body runs to its end)
CONSUMERS = frozenset("list tuple set frozenset dict sorted sum min max any all map math.prod".split())
#: the built-ins the interpreter implements itself, by the method that does
SPECIAL = {name: f"_{name}" for name in ("isinstance", "getattr", "map", "sorted", "iter", "hasattr", "setattr", "next", "enumerate", "zip")}
#: Python 2's names of built-ins that Python 3 renamed, for Keras 1/2 era files
PYTHON2_NAMES = {"xrange": "range"}
#: built-ins whose result is never known statically
UNKNOWN_RESULTS = {"open": "open()", "input": "input()", "exec": "exec()", "eval": "eval()"}
#: the functions and classes a call of one of several values calls each of (not
#: objects: calling a layer or a model that is one of several is left unknown)
CODE = (Function, Builtin, Class, Ref)
#: the most candidates such a call runs
MAX_CANDIDATES = 4
#: the built-in types of plain data, one value each, so that ``type(x) is list`` and
#: ``type(x) == int`` compare what ``type()`` gives with the name's value
TYPES: dict[str, Builtin] = {
    name: Builtin(name, partial(builtins.call_pure, name))
    for name in ("int", "float", "str", "list", "tuple", "dict", "bool", "set", "frozenset")
}


class Calls(Generators):
    """The call part of the interpreter."""

    def eval_Call(self, node: cst.Call, scope: Scope) -> Any:
        func = self.eval(node.func, scope)
        arguments = Arguments()
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                items = self.iterate(value, arg)
                if items is None:
                    arguments.positional.append(Unknown("*args of unknown length"))
                    arguments.opaque = True
                else:
                    arguments.positional.extend(items)
            elif arg.star == "**":
                if isinstance(value, dict) and all(isinstance(k, str) for k in value):
                    arguments.keywords.update(value)
                else:
                    arguments.opaque = True
            elif arg.keyword is not None:
                arguments.keywords[arg.keyword.value] = value
            else:
                arguments.positional.append(value)
        return self.call_value(func, arguments, node)

    def call_value(self, func: Any, arguments: Arguments, node: cst.CSTNode) -> Any:
        self.tick(node)
        node = self.site(node)
        if isinstance(func, Function):
            return self.call_function(func, arguments, node=node)
        if isinstance(func, Builtin):
            if func.name in CONSUMERS:
                arguments = self.consumed(arguments, node)
            return self.made(func.impl(arguments), node) if self.affordable(arguments) else Unknown(TOO_LARGE)
        if isinstance(func, BoundMethod):
            return self.call_method(func, arguments, node)
        if isinstance(func, Class):
            return self.instantiate(func, arguments, node)
        if isinstance(func, Partial):
            given = func.arguments
            merged = Arguments([*given.positional, *arguments.positional], {**given.keywords, **arguments.keywords})
            merged.opaque = given.opaque or arguments.opaque
            return self.call_value(func.func, merged, node)
        if isinstance(func, Ref) and func.path in SEARCH_PATH_CHANGES:
            if arguments.positional and isinstance(arguments.positional[-1], str):
                self.importer.search(arguments.positional[-1])
            return None
        if isinstance(func, Ref) and func.path == "itertools.islice" and arguments.positional and isinstance(arguments.positional[0], LAZY):
            return self.lazy_islice(arguments, node)
        if isinstance(func, Ref) and func.path == "functools.partial":
            if not arguments.positional:
                return Unknown("functools.partial() without a function")
            return Partial(arguments.positional[0], arguments.but(positional=arguments.positional[1:]))
        if isinstance(func, Ref):
            library = self.libraries.for_ref(func)
            if library is not None and not self.small_arguments(arguments):
                return Unknown(TOO_LARGE)
            source = library.source(func) if library is not None else None
            if source is not None:  # the library's own code, run as the project's
                # what it builds is the library's design, made at this call (of another module: its own node)
                origin = self.origins.of(node)
                if self.anchor is None or origin is not None:
                    self.library_sites.add(id(origin.node if origin is not None else node))
                implementation = self.importer.load_source(source, node)
                if isinstance(implementation, (Function, Class)):
                    return self.call_value(implementation, arguments, node)
                return Unknown(f"{func.path} is not defined in {source.path}")
            if library is not None:
                result = library.call_name(func, arguments, node)
                if result is not NOT_HANDLED:
                    self.lose_lazy((*arguments.positional, *arguments.keywords.values()), node)
                    return result
            if func.path in builtins.PURE:
                arguments = self.consumed(arguments, node)
                return self.made(builtins.call_pure(func.path, arguments), node) if self.affordable(arguments) else Unknown(TOO_LARGE)
            if func.path in builtins.ALIASES:  # ``from six.moves import range``
                return self.call_value(self.builtin(builtins.ALIASES[func.path], self.globals), arguments, node)
            return self.call_unknown(func.last, arguments, node, self.libraries.missing_package(func.path))
        library = self.libraries.owner(func)
        if library is not None and not self.small_arguments(arguments):
            return Unknown(TOO_LARGE)
        if library is not None:
            result = library.call(func, arguments, node)
            if result is not NOT_HANDLED:
                self.lose_lazy((*arguments.positional, *arguments.keywords.values()), node)
                return result
        if isinstance(func, EachMethod):
            with self.maybe(node):  # each model it may be may be the one compiled
                for method in func.methods:
                    self.call_value(method, arguments.but(), node)
            return Unknown("the result of a method of a value that is one of several")
        if isinstance(func, Unknown) and func.among:
            # a name one branch left unbound: calling it there raises NameError
            candidates = [c for c in func.among if c is not MISSING]
            if 0 < len(candidates) <= MAX_CANDIDATES and all(isinstance(c, CODE) for c in candidates):
                return self.call_candidates(candidates, arguments, node)
            self.escape(func)  # ``model(x)`` may build one of the models it may be
        if isinstance(func, Foreign) or is_unknown(func):
            return self.call_unknown(func.label if isinstance(func, Foreign) else "", arguments, node)
        return Unknown("call of a value that is not callable")

    def small_arguments(self, arguments: Arguments) -> bool:
        """Whether a library may be given ``arguments``: it walks what they hold,
        so at most ``MAX_SIZE`` items, nested (a list held in a list of itself 40
        times over is a trillion)."""
        return small(*arguments.positional, *arguments.keywords.values())

    def call_candidates(self, candidates: list[Any], arguments: Arguments, node: cst.CSTNode) -> Any:
        """The call of a function that is one of ``candidates`` (``f = utils.f if TF
        else keras.f``): each may be the one called, as the branches of an unknown
        condition may run; the result is known where they all agree."""
        if len(candidates) == 1:
            return self.call_value(candidates[0], arguments, node)
        with self.maybe(node):
            results = [self.call_value(candidate, arguments.but(), node) for candidate in candidates]
        result = results[0]
        for other in results[1:]:
            result = self.join(result, other)
        return result

    def call_unknown(self, label: str, arguments: Arguments, node: cst.CSTNode, why: str = "") -> Any:
        """A call into code kerascheck cannot see (another module, a library it does not model)."""
        self.lose_lazy((*arguments.positional, *arguments.keywords.values()), node)
        for library in self.libraries.all:
            result = library.call_unknown(label, arguments, node, why)
            if result is not NOT_HANDLED:
                return result
        return Foreign(label or "a value")

    def call_method(self, method: BoundMethod, arguments: Arguments, node: cst.CSTNode) -> Any:
        receiver, function = method.receiver, method.function
        if isinstance(function, Function):
            result = self.call_function(function, arguments.but(positional=[receiver, *arguments.positional]), node=node)
            library = self.libraries.owner(receiver.native) if isinstance(receiver, Instance) and receiver.native is not None else None
            if library is not None:  # ``block.build(shape)``: what the library does around the source's method
                library.method_ran(receiver, function.name, arguments)
            return result
        if isinstance(receiver, (list, dict, set)) and function in builtins.MUTATING_METHODS:
            arguments = self.consumed(arguments, node)
            self.record(receiver)
            if self.changes_uncertainly(receiver) or id(receiver) in self.tainted:
                self.taint(receiver)
                return Unknown("mutation under an unknown condition")
            result = builtins.call_method(receiver, function, arguments)
            if is_unknown(result):
                self.taint(receiver)
            return result
        if isinstance(receiver, tuple) and function == "as_list":
            return list(receiver)
        if isinstance(receiver, PLAIN):
            return self.made(builtins.call_method(receiver, function, self.consumed(arguments, node)), node)
        return Unknown(f".{function}()")

    def call_function(
        self,
        function: Function,
        arguments: Arguments,
        node: cst.CSTNode | None = None,
        default_unknown: bool = False,
    ) -> Any:
        self.called.add(id(function))
        scope = Scope(function.closure)
        self.bind_parameters(function, arguments, scope, default_unknown)
        if function.is_method and arguments.positional:
            scope.method = (arguments.positional[0], function.owner)  # for super()
        if self.is_generator(function):
            return self.make_generator(function, scope)
        bound = dict(scope.vars)
        running = self.running.setdefault(id(function), [])
        if any(repeats(bound, earlier) for earlier in running):
            raise AnalysisLimit(
                f"{function.name}() calls itself with arguments no better known than those of the call it is in:"
                " the recursion would not end",
                self.site(node or function.node),
            )
        running.append(bound)
        try:
            return self.in_frame(function, node, lambda: self.run_body(function, scope))
        finally:
            running.pop()

    def run_body(self, function: Function, scope: Scope) -> Any:
        """What the body of ``function`` returns, run in ``scope``."""
        if type(function.node) is cst.Lambda:
            return self.eval(function.node.body, scope)
        try:
            self.exec_block(function.node.body, scope)
        except Return as ret:
            value = ret.value
        except Raise:
            return Unknown(f"{function.name}() raised")
        else:
            value = None
        if scope.maybe_returned is not MISSING:
            return self.join(value, scope.maybe_returned)
        return value

    def in_frame(self, function: Function, node: cst.CSTNode | None, run: Callable[[], Any]) -> Any:
        """``run()`` as a call of ``function`` from ``node``: one frame deeper (at
        most ``Limits.max_depth``), on the call stack; code of another module
        stands for itself by the call that reached it (``anchor``)."""
        if self.depth >= self.limits.max_depth:
            raise AnalysisLimit(f"calls nested deeper than {self.limits.max_depth}", self.site(node or function.node))
        self.depth += 1
        self.call_stack.append((function.name, node))
        outer, place = self.anchor, self.place
        self.anchor = None if function.module is self.main else outer if outer is not None else node
        self.place = None if self.anchor is None else self.origins.place_after(node, function.module, place)
        try:
            return run()
        except AnalysisLimit as exc:
            if outer is None and self.anchor is not None:
                exc.node = self.anchor
            raise
        finally:
            self.depth -= 1
            self.call_stack.pop()
            self.anchor, self.place = outer, place

    def bind_parameters(self, function: Function, arguments: Arguments, scope: Scope, default_unknown: bool) -> None:
        params = function.node.params
        positional = [*params.posonly_params, *params.params]
        kwargs = dict(arguments.keywords)
        unknown_extra = arguments.opaque
        args = list(arguments.positional)
        for param in positional:
            name = param.name.value
            if args:
                scope.vars[name] = args.pop(0)
            elif name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif unknown_extra:
                scope.vars[name] = Unknown(f"parameter '{name}'")
            elif name in function.defaults:
                scope.vars[name] = function.defaults[name]
            else:
                scope.vars[name] = Unknown(f"parameter '{name}' has no default")
        star = params.star_arg
        if type(star) is cst.Param:
            scope.vars[star.name.value] = tuple(args) if not unknown_extra else Unknown("*args")
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif unknown_extra:
                scope.vars[name] = Unknown(f"parameter '{name}'")
            else:
                scope.vars[name] = function.defaults.get(name, Unknown(f"parameter '{name}' has no default"))
        if params.star_kwarg is not None:
            scope.vars[params.star_kwarg.name.value] = dict(kwargs) if not unknown_extra else Unknown("**kwargs")
        if self.input_shapes is not None:
            names = [p.name.value for p in (*positional, *params.kwonly_params)]
            self.input_shapes.bind(function.name, names, scope.vars)

    def instantiate(self, cls: Class, arguments: Arguments, node: cst.CSTNode) -> Any:
        self.instantiated.update(id(c) for c in cls.mro() if isinstance(c, Class))
        for library in self.libraries.all:
            made = library.instantiate(cls, arguments, node)
            if made is not NOT_HANDLED:
                return made
        instance = self.born(Instance(cls))
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.call_function(init, arguments.but(positional=[instance, *arguments.positional]), node=node)
        return instance

    # ------------------------------------------------------------- built-ins
    def builtin(self, name: str, scope: Scope) -> Any:
        name = PYTHON2_NAMES.get(name, name)
        if name in BUILTIN_NAMES:
            return BUILTIN_NAMES[name]
        if name == "super":
            return Builtin(name, lambda a: self.super_of(scope, a.positional))
        if name == "globals":  # ``globals()[name]``: the module's variables, as they are now
            return Builtin(name, lambda a: (scope.module or self.main).globals.vars)
        if name in UNKNOWN_RESULTS:
            what = UNKNOWN_RESULTS[name]
            return Builtin(name, lambda a: Unknown(what))
        if name == "type":
            return Builtin(name, _type)
        if name in SPECIAL:
            return Builtin(name, getattr(self, SPECIAL[name]))
        if name in TYPES:
            return TYPES[name]
        if name in builtins.PURE:
            return Builtin(name, lambda a: builtins.call_pure(name, a))
        return MISSING

    def super_of(self, scope: Scope, args: list[Any]) -> Any:
        """``super()`` in a method, or Python 2's ``super(Class, self)``: the
        receiver's classes after ``Class`` in its MRO."""
        if len(args) == 2:
            owner, receiver = args
        elif not args:
            method = scope.enclosing_method()
            receiver, owner = method if method is not None else (None, None)
        else:
            return Unknown("super() with one argument")
        library = self.libraries.owner(receiver)
        instance = library.instance_of(receiver) if library is not None else None
        if instance is not None:
            receiver = instance
        if not isinstance(receiver, Instance) or not isinstance(owner, Class) or owner not in receiver.cls.mro():
            return Unknown("super()")
        return Super(receiver, owner)

    def super_attribute(self, found: Super, name: str) -> Any:
        """``super().name``: from the classes after the method's own in the receiver's MRO."""
        order = found.receiver.cls.mro()
        after = order[order.index(found.owner) + 1 :] if found.owner in order else []
        for cls in after:
            if isinstance(cls, Class):
                if name in cls.namespace:
                    value = cls.namespace[name]
                    return BoundMethod(found.receiver, value) if isinstance(value, Function) else value
                continue
            library = self.libraries.for_ref(cls) if isinstance(cls, Ref) else None
            answer = library.super_attribute(found.receiver, name) if library is not None else NOT_HANDLED
            if answer is not NOT_HANDLED:
                return answer
            break
        return Unknown(f"super().{name}")

    def _isinstance(self, arguments: Arguments) -> Any:
        args = arguments.positional
        if arguments.opaque or len(args) != 2 or is_unknown(args[0]):
            return Unknown("isinstance")
        value, kinds = args
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        if kinds and all(isinstance(kind, Class) for kind in kinds):
            return _instance_of_class(value, kinds)
        names = []
        for kind in kinds:
            if isinstance(kind, Builtin) and kind.name in ("int", "float", "str", "list", "tuple", "dict", "bool", "set"):
                names.append(kind.name)
            elif isinstance(kind, Ref) and set(builtins.TYPE_ALIASES.get(kind.path, ("?",))) <= {"int", "str"}:
                names.extend(builtins.TYPE_ALIASES[kind.path])
            else:
                return Unknown("isinstance of a class")
        table = {"int": int, "float": float, "str": str, "list": list, "tuple": tuple, "dict": dict, "bool": bool, "set": set}
        if not isinstance(value, PLAIN):
            return False
        return isinstance(value, tuple(table[n] for n in names))

    def _hasattr(self, arguments: Arguments) -> Any:
        """``hasattr(f, "__module__")``, ``hasattr(model, "pyramid_outputs")``: known
        where the attribute's value is."""
        args = arguments.positional
        if not arguments.opaque and len(args) == 2 and isinstance(args[1], str):
            if isinstance(args[0], (int, float, str, bool, type(None), tuple)) and not contains_unknown(args[0]):
                return hasattr(args[0], args[1])  # plain data: Python's own answer (``hasattr(None, "value")``)
            library = self.libraries.owner(args[0])
            receiver = library.instance_of(args[0]) if library is not None else None  # an instance of a subclass
            receiver = receiver if receiver is not None else args[0]
            if isinstance(receiver, (Function, Instance)) and not is_unknown(self.get_attribute(receiver, args[1], self.module)):
                return True
        return Unknown("hasattr")

    def _getattr(self, arguments: Arguments) -> Any:
        args = arguments.positional
        if not arguments.opaque and len(args) >= 2 and isinstance(args[1], str):
            value = self.get_attribute(args[0], args[1], self.module)
            if is_unknown(value) and len(args) == 3:
                return Unknown("getattr with a default")
            return value
        return Unknown("getattr")

    def _setattr(self, arguments: Arguments) -> Any:
        """``setattr(obj, "name", value)`` is ``obj.name = value``; with a name
        kerascheck cannot read, every attribute of ``obj`` may have changed."""
        args = arguments.positional
        if not arguments.opaque and len(args) == 3 and isinstance(args[1], str):
            self.set_attribute(args[0], args[1], args[2])
            return None
        receiver = args[0] if args else None
        if isinstance(receiver, Instance):
            for name in list(receiver.attrs):
                self.record(receiver.attrs, name)
                receiver.attrs[name] = Unknown("setattr() of a name kerascheck cannot read")
        self.escape(receiver)
        return None

    def _map(self, arguments: Arguments) -> Any:
        args = arguments.positional
        if arguments.opaque or len(args) < 2:
            return Unknown("map")
        iterables = [self.iterate(a, self.module) for a in args[1:]]
        if any(i is None for i in iterables):
            return Unknown("map over unknown values")
        return [self.call_value(args[0], Arguments(list(items)), self.module) for items in zip(*iterables)]

    def _sorted(self, arguments: Arguments) -> Any:
        """``sorted(xs, key=..., reverse=...)``: the key is called on each item; items
        of a set whose keys tie are in an order Python does not fix (unknown)."""
        args, kwargs = arguments.positional, arguments.keywords
        if arguments.opaque or len(args) != 1 or set(kwargs) - {"key", "reverse"}:
            return Unknown("sorted")
        if contains_unknown(args[0]) or not isinstance(args[0], (list, tuple, set, range, dict)):
            return Unknown("sorted")
        items, key, reverse = list(args[0]), kwargs.get("key"), kwargs.get("reverse", False)
        keys = items if key is None else [self.call_value(key, Arguments([item]), self.module) for item in items]
        if contains_unknown(keys) or not isinstance(reverse, bool):
            return Unknown("sorted with a key")
        try:
            order = sorted(range(len(items)), key=keys.__getitem__, reverse=reverse)
            if isinstance(args[0], set) and any(keys[a] == keys[b] for a, b in zip(order, order[1:])):
                return Unknown("sorted: items of a set whose keys tie")
        except TypeError:
            return Unknown("sorted of values Python cannot compare")
        return [items[i] for i in order]

    def _iter(self, arguments: Arguments) -> Any:
        args = arguments.positional
        return args[0] if args and isinstance(args[0], (list, tuple, *LAZY)) else Unknown("iter")

    def _next(self, arguments: Arguments) -> Any:
        """``next(generator[, default])``: its first item (later ones are not followed)."""
        args = arguments.positional
        if arguments.opaque or arguments.keywords or not 1 <= len(args) <= 2 or not isinstance(args[0], LAZY):
            return Unknown("next()")
        return self.next_item(args[0], self.module, *args[1:])

    def _enumerate(self, arguments: Arguments) -> Any:
        """``enumerate(items[, start])``: lazy over a generator."""
        if arguments.positional and isinstance(arguments.positional[0], LAZY):
            return self.lazy_enumerate(arguments)
        return builtins.call_pure("enumerate", arguments)

    def _zip(self, arguments: Arguments) -> Any:
        """``zip(*iterables)``: lazy over one generator and iterables of known items."""
        if any(isinstance(a, LAZY) for a in arguments.positional):
            return self.lazy_zip(arguments, self.module)
        return builtins.call_pure("zip", arguments)


def _type(arguments: Arguments) -> Any:
    """``type(x)`` of plain data (whatever its items hold): the built-in type."""
    args = arguments.positional
    if arguments.opaque or arguments.keywords or len(args) != 1 or not isinstance(args[0], PLAIN):
        return Unknown("type()")
    return TYPES.get(type(args[0]).__name__, Unknown("type()"))


#: the calls that add a folder where ``import`` looks for modules
SEARCH_PATH_CHANGES = frozenset({"sys.path.insert", "sys.path.append"})


def _instance_of_class(value: Any, kinds: tuple[Class, ...]) -> Any:
    """``isinstance(value, kinds)`` for classes of the source: plain data is none of
    them; an instance is one of its class's bases, unless a base kerascheck cannot
    see (an unknown value) may be."""
    if isinstance(value, PLAIN):
        return False
    if not isinstance(value, Instance):
        return Unknown("isinstance of a class")
    order = value.cls.mro()
    if any(kind in order for kind in kinds):
        return True
    return Unknown("isinstance: a base class is not known") if any(is_unknown(c) for c in order) else False


#: values that stay what they are between two calls (a list may have changed)
_IMMUTABLE = (type(None), bool, int, float, complex, str, bytes)


def repeats(bound: dict[str, Any], earlier: dict[str, Any]) -> bool:
    """Whether a recursive call's parameters are no better known than those of the
    call it is in (each wholly unknown here and unknown there, or the same
    unchangeable value): it would do what that call does, again, without end."""
    return bound.keys() == earlier.keys() and all(
        isinstance(value, Unknown) and not (value.among or value.within) and isinstance(earlier[name], Unknown)
        or value is earlier[name] and type(value) in _IMMUTABLE
        for name, value in bound.items()
    )
