"""Keras 3 tensor operations that appear as rows of a Functional model.

``x + y`` on symbolic tensors is the ``Add`` operation, ``x * 0.5`` is
``Multiply``, ``keras.ops.relu(x)`` is ``Relu``...  They have no weights.
These types are looked up with ``operation(name)``, separately from layers.
"""

from __future__ import annotations

from typing import Any

from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, format_shape, known
from kerascheck.unknown import Unknown, is_unknown


def broadcast(a: tuple, b: tuple, what: str) -> tuple:
    """NumPy broadcasting of two shapes, with None and Unknown dims."""
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if is_unknown(x) or is_unknown(y):
            out.append(Unknown() if x != 1 and y != 1 else (y if x == 1 else x))
        elif x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        elif x == y:
            out.append(x)
        else:
            raise Invalid(
                f"{what}: shapes {format_shape(a)} and {format_shape(b)} cannot be broadcast together",
                code="KC102",
            )
    return tuple(out)


class Elementwise(LayerType):
    """A binary elementwise operation with broadcasting; inputs are two shapes."""

    def __init__(self, name: str) -> None:
        self.name = name

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain):
        first, second = call.inputs
        return broadcast(first, second, self.name)


class Unary(LayerType):
    """A shape-preserving operation on one tensor."""

    def __init__(self, name: str) -> None:
        self.name = name


class Reduce(LayerType):
    """``mean``/``sum``/``max``... over ``axis`` with ``keepdims``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain):
        shape = call.inputs
        axis = known(cfg.get("axis"), "axis")
        keepdims = known(cfg.get("keepdims", False), "keepdims")
        if axis is None:
            axes = set(range(len(shape)))
        else:
            axes = {a % len(shape) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
        if keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)


class GetItem(LayerType):
    """``x[:, 0]`` on a symbolic tensor: Keras 3's ``GetItem`` operation."""

    name = "GetItem"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain):
        shape = list(call.inputs)
        key = known(cfg["key"], "the index")
        if isinstance(key, int):
            keys = [key]
        elif isinstance(key, (tuple, list)):
            keys = list(key)
        else:
            raise Invalid(f"Keras cannot index a tensor with {key!r}; use x[:, ...] forms")
        if keys.count(Ellipsis) > 1:
            raise Invalid("an index may hold only one ellipsis")
        if Ellipsis not in keys:
            keys.append(Ellipsis)
        out: list = []
        while keys:
            item = keys.pop(0)
            if item is Ellipsis:
                consumed = len(shape) - (len(keys) - keys.count(None))
                out += shape[:consumed]
                shape = shape[consumed:]
            elif item is None:
                out.append(1)
            elif not shape:
                raise Invalid(f"too many indices for a tensor of shape {format_shape(call.inputs)}", code="KC103")
            else:
                length = shape.pop(0)
                if isinstance(item, slice):
                    if is_unknown(length):
                        out.append(Unknown())
                    else:
                        out.append(None if length is None else len(range(*item.indices(length))))
                elif not isinstance(item, int):
                    raise Invalid(f"Keras cannot index a tensor with {item!r}")
        return tuple(out)


BINARY = {
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "true_divide": "TrueDivide",
    "divide": "Divide",
    "power": "Power",
    "maximum": "Maximum",
    "minimum": "Minimum",
}
UNARY = {
    "negative": "Negative",
    "relu": "Relu",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "exp": "Exp",
    "log": "Log",
    "sqrt": "Sqrt",
    "square": "Square",
    "abs": "Absolute",
    "absolute": "Absolute",
    "softmax": "Softmax",
    "gelu": "Gelu",
    "silu": "Silu",
    "swish": "Silu",
}
REDUCE = {"mean": "Mean", "sum": "Sum", "max": "Max", "min": "Min"}


def operation(function: str) -> LayerType | None:
    """The operation type for a ``keras.ops`` function name, if modelled."""
    if function == "get_item":
        return GetItem()
    if function in BINARY:
        return Elementwise(BINARY[function])
    if function in UNARY:
        return Unary(UNARY[function])
    if function in REDUCE:
        return Reduce(REDUCE[function])
    return None
