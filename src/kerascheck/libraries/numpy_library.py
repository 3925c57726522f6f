"""NumPy as the interpreter sees it: ``numpy.*`` calls and constants, and the
arrays, scalars and vectors of ``numpy_arrays`` as values."""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

import libcst as cst

from kerascheck.interpreter.builtins import call_pure
from kerascheck.interpreter.library import NOT_HANDLED, Library
from kerascheck.interpreter.operators import BINOPS
from kerascheck.interpreter.values import Arguments, Ref
from kerascheck.libraries import numpy_arrays as arrays
from kerascheck.libraries.numpy_arrays import NOT_ARRAY, Array, Scalar, Vector, linspace
from kerascheck.unknown import Unknown

#: NumPy functions of plain numbers (evaluated as the interpreter's pure built-ins)
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "numpy.prod": lambda a: math.prod(a),
    "numpy.ceil": math.ceil,
    "numpy.floor": math.floor,
    "numpy.sqrt": math.sqrt,
    "numpy.int32": int,
    "numpy.int64": int,
    "numpy.linspace": linspace,
}
CONSTANTS = {"numpy.pi": math.pi, "numpy.newaxis": None}


class NumPyLibrary(Library):
    prefixes = ("numpy",)
    types = (Array, Scalar, Vector)
    constants = CONSTANTS

    def call_name(self, func: Ref, arguments: Arguments, node: cst.CSTNode) -> Any:
        if not func.path.startswith("numpy."):
            return NOT_HANDLED
        name = func.path[len("numpy."):]
        result = arrays.call_numpy(name, arguments)
        if result is NOT_ARRAY:
            result = arrays.create(name, arguments)
        if result is not NOT_ARRAY:
            return result
        if func.path in FUNCTIONS:
            return call_pure(func.path, arguments, FUNCTIONS)
        return NOT_HANDLED

    def attribute(self, value: Any, name: str, node: cst.CSTNode) -> Any:
        return arrays.attribute(value, name) if isinstance(value, Array) else NOT_HANDLED

    def set_attribute(self, value: Any, name: str, new: Any, uncertain: bool) -> None:
        if isinstance(value, Array):
            arrays.set_attribute(value, name, new, uncertain=uncertain)

    def subscript(self, value: Any, key: Any, node: cst.CSTNode) -> Any:
        return arrays.getitem(value, key) if isinstance(value, Array) else NOT_HANDLED

    def set_item(self, value: Any, key: Any, new: Any) -> None:
        if isinstance(value, Array):
            arrays.forget(value)

    def binary(self, op: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        if arrays.is_numpy(left) or arrays.is_numpy(right):
            return arrays.binary(BINOPS[op], left, right)
        return NOT_HANDLED

    def augmented(self, value: Any) -> Any:
        return arrays.inplace(value) if isinstance(value, Array) else NOT_HANDLED  # NumPy changes the array itself

    def truth(self, value: Any) -> Any:
        if isinstance(value, Vector):
            return Unknown("the truth of a NumPy array")
        return bool(value) if isinstance(value, Scalar) else True

    def items(self, value: Any) -> Iterable[Any] | None:
        return value if isinstance(value, Vector) else None
