"""Pure built-in functions the interpreter evaluates itself.

Each runs on plain Python data only: when an argument holds an unknown part
(or arguments of unknown content are passed), the result is unknown.
Functions that take callables (``map``, ``sorted`` with ``key``) are handled
by ``calls``, not here.
"""

from __future__ import annotations

import math
import os
from typing import Any, Callable

import libcst as cst

from kerascheck.interpreter.sizes import (
    MAX_INT_BITS,
    MAX_SIZE,
    TOO_LARGE,
    formattable,
    logical_size,
    method_size,
    operation_size,
    range_length,
    too_large,
)
from kerascheck.interpreter.values import Arguments
from kerascheck.unknown import Unknown, contains_unknown


def _bounded(value: Any) -> Any:
    return Unknown(TOO_LARGE) if too_large(value) else value


def _copy(value: Any, deep: bool, memo: dict[int, Any] | None = None) -> Any:
    """``copy.copy``/``copy.deepcopy`` for containers; other objects are shared.  A
    deep copy copies each container once, as Python does (``memo``): a list held
    twice is one copy held twice, and a list that holds itself is copied."""
    if not deep:
        return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else set(value) if isinstance(value, set) else value
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    copied: Any
    if isinstance(value, list):
        copied = memo[id(value)] = []
        copied.extend(_copy(v, True, memo) for v in value)
    elif isinstance(value, dict):
        copied = memo[id(value)] = {}
        copied.update((k, _copy(v, True, memo)) for k, v in value.items())
    elif isinstance(value, set):
        copied = memo[id(value)] = set(value)
    elif isinstance(value, tuple):
        copied = memo[id(value)] = tuple(_copy(v, True, memo) for v in value)
    else:
        return value
    return copied


def _product_bits(items: Any) -> int:
    """An upper bound of the bits of the product of ``items``."""
    return sum(abs(i).bit_length() for i in items if isinstance(i, int)) if isinstance(items, (list, tuple)) else 0


def _int(value: Any = 0, base: Any = None) -> Any:
    return int(value) if base is None else int(value, base)


PURE: dict[str, Callable[..., Any]] = {
    "len": len,
    "range": range,
    "min": min,
    "max": max,
    "int": _int,
    "float": float,
    "round": round,
    "abs": abs,
    "sum": sum,
    "divmod": divmod,
    "pow": lambda a, b, *m: pow(a, b, *m) if m or not operation_size(cst.Power, a, b) else Unknown("power too large"),
    "list": lambda *a: list(*a),
    "tuple": lambda *a: tuple(*a),
    "dict": lambda *a, **k: dict(*a, **k),
    "set": lambda *a: set(*a),
    "frozenset": lambda *a: frozenset(*a),
    "str": lambda *a: str(*a) if all(formattable(v) for v in a) else Unknown("str() of an object or of too large a value"),
    "bool": lambda *a: bool(*a),
    "zip": lambda *a: list(zip(*a)),
    "enumerate": lambda a, start=0: list(enumerate(a, start)),
    "reversed": lambda a: list(reversed(a)),
    "any": any,
    "all": all,
    "ord": ord,
    "chr": chr,
    "print": lambda *a, **k: None,
    "math.ceil": math.ceil,
    "math.floor": math.floor,
    "math.sqrt": math.sqrt,
    "math.log": math.log,
    "math.log2": math.log2,
    "math.exp": math.exp,
    "math.pow": math.pow,
    "math.prod": lambda items, **k: Unknown(TOO_LARGE) if _product_bits(items) > MAX_INT_BITS else math.prod(items, **k),
    "math.gcd": math.gcd,
    "math.isqrt": math.isqrt,
    "math.trunc": math.trunc,
    "copy.copy": lambda v: _copy(v, False),
    "copy.deepcopy": lambda v: _copy(v, True),
    "operator.add": lambda a, b: a + b,
    "operator.mul": lambda a, b: a * b,
    # path arithmetic on strings (no file system: ``abspath`` of a relative path depends on the working folder)
    "os.path.join": lambda *parts: _paths(os.path.join, *parts),
    "os.path.dirname": lambda path: _paths(os.path.dirname, path),
    "os.path.basename": lambda path: _paths(os.path.basename, path),
    "os.path.normpath": lambda path: _paths(os.path.normpath, path),
    "os.path.abspath": lambda path: _paths(os.path.normpath, path) if isinstance(path, str) and os.path.isabs(path) else Unknown("abspath() of a relative path"),
}

CONSTANTS: dict[str, Any] = {
    "math.pi": math.pi,
    "math.e": math.e,
    "six.PY2": False,
    "six.PY3": True,
}
#: the names of a Python 2/3 compatibility module (``six``) or of ``builtins``
#: that are Python 3's built-in functions
ALIASES: dict[str, str] = {
    **{f"six.moves.{name}": name for name in ("range", "zip", "map", "filter", "input", "round")},
    "six.moves.xrange": "range",
    **{f"builtins.{name}": name for name in ("range", "zip", "map", "len", "int", "float", "str", "list", "tuple", "dict")},
}
#: such names that are Python 3's built-in types (``isinstance(x, six.string_types)``)
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "six.string_types": ("str",),
    "six.text_type": ("str",),
    "six.integer_types": ("int",),
    "six.class_types": ("type",),
}

# Pure methods on plain data, by receiver type.
PURE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        "format join upper lower title capitalize strip lstrip rstrip replace split rsplit "
        "startswith endswith find count zfill isdigit isalpha ljust rjust center removeprefix removesuffix".split()
    ),
    tuple: frozenset(("index", "count")),
    list: frozenset(("index", "count", "copy")),
    dict: frozenset(("get", "keys", "values", "items", "copy")),
    set: frozenset(("union", "intersection", "difference", "issubset", "issuperset", "copy")),
    frozenset: frozenset(("union", "intersection", "difference", "issubset", "issuperset")),
    int: frozenset(("bit_length",)),
    float: frozenset(("is_integer",)),
}
# Methods that mutate a list, dict or set in place.
MUTATING_METHODS = frozenset(
    "append extend insert pop remove clear sort reverse update setdefault add discard".split()
)


def _too_large(args: list[Any]) -> bool:
    """True when an argument could make a builtin run or allocate without bound: a
    range longer than ``MAX_SIZE`` (what a builtin makes of it would be)."""
    return any(isinstance(arg, range) and range_length(arg) > MAX_SIZE for arg in args)


def call_pure(name: str, arguments: Arguments, functions: dict[str, Callable[..., Any]] = PURE) -> Any:
    """Evaluate builtin ``name`` (of ``functions``); Unknown when an argument is unknown or it fails."""
    args, kwargs = arguments.positional, arguments.keywords
    if arguments.opaque:
        return Unknown(f"{name}() of arguments of unknown content")
    if contains_unknown(args) or contains_unknown(kwargs):
        return Unknown(f"{name}() of an unknown value")
    if name not in ORDER_FREE and any(unordered(arg) for arg in args):
        return Unknown(f"{name}() of a set, whose order Python does not fix")
    if name == "range":
        try:
            return range(*args, **kwargs)  # lazy: the engine bounds iteration
        except (TypeError, ValueError) as exc:  # range(None), Python 2's range(n / 2): the program raises
            return Unknown(f"range() raises: {exc}")
    if name != "len" and _too_large(args):
        return Unknown(f"{name}() over too large a value")
    if name in DEEP and not all(logical_size(arg) <= MAX_SIZE for arg in (*args, *kwargs.values())):
        return Unknown(f"{name}() over too large a value")
    try:
        return _bounded(functions[name](*args, **kwargs))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError) as exc:
        return Unknown(f"{name}() failed: {exc}")


#: built-ins that compare or hash the items of their arguments, however deeply nested
DEEP = frozenset("min max sorted set frozenset dict sum any all str".split())
#: built-ins whose result does not depend on the order of a set's items
ORDER_FREE = frozenset("len min max sum set frozenset sorted any all bool abs".split())


def unordered(value: Any) -> bool:
    """Whether iterating ``value`` gives an order that depends on the run: a set of
    strings (hashed with Python's per-process seed) or of objects (hashed by
    address).  A set of numbers iterates the same way in every run."""
    return isinstance(value, (set, frozenset)) and len(value) > 1 and not all(_hashed_alike(v) for v in value)


def _hashed_alike(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_hashed_alike(v) for v in value)
    return value is None or isinstance(value, (int, float))


def _keeps_items(name: str, args: list[Any]) -> bool:
    """``append(x)``, ``insert(i, x)``, ``extend([...])`` with the place and the
    number of items known, whatever the items hold."""
    if name == "append":
        return len(args) == 1
    if name == "insert":
        return len(args) == 2 and type(args[0]) is int
    return name == "extend" and len(args) == 1 and isinstance(args[0], (list, tuple))


def call_method(receiver: Any, name: str, arguments: Arguments) -> Any:
    """Call a pure or mutating method on plain data."""
    args, kwargs = arguments.positional, arguments.keywords
    if isinstance(receiver, list) and not arguments.opaque and not kwargs and _keeps_items(name, args):
        # an item of unknown content is an item: the list's length stays known
        if len(receiver) + (len(args[-1]) if name == "extend" else 1) > MAX_SIZE:
            return Unknown("value too large to track")
        getattr(receiver, name)(*args)
        return None
    if arguments.opaque or contains_unknown(args) or contains_unknown(kwargs):
        if name in MUTATING_METHODS:
            return Unknown("mutation with an unknown argument")
        return Unknown(f".{name}() of an unknown value")
    if _too_large(args) or method_size(receiver, name, args, kwargs):
        return Unknown(f".{name}() would make too large a value, or format an object")
    try:
        return _bounded(getattr(receiver, name)(*args, **kwargs))
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
        return Unknown(f".{name}() failed: {exc}")


def _paths(function: Callable[..., Any], *parts: Any) -> Any:
    """``os.path.function(*parts)`` of strings; unknown otherwise."""
    return function(*parts) if parts and all(isinstance(p, str) for p in parts) else Unknown(f"os.path.{function.__name__}() of unknown paths")
