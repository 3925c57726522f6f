"""Sizes known only when the model runs: ``keras.ops.shape(x)`` inside a traced ``call()``.

Keras traces a custom layer's ``call()``, a Lambda's function and a
subclassed model's ``call()`` on backend tensors whose unknown dimensions
(the batch axis, mostly) are None.  There ``keras.ops.shape(x)`` is a tuple
whose known dimensions are ints and whose None ones are scalar tensors: a
``Dynamic`` here.  ``tf.shape(x)`` (and Keras 2's ``K.shape(x)``, which is
it) is a 1-D tensor, a ``ShapeTensor``: its items and slices are those
dimensions (TensorFlow folds the known ones into constants), and nothing
else about it is modelled.

Arithmetic on a Dynamic, and a ``keras.ops`` function of one, gives another
(its value is the data's); comparing one is unknown.  A shape that holds one
is None there, as TensorFlow's shape inference gives it:
``ops.reshape(x, (batch, -1, heads, depth))`` is ``(None, None, heads, depth)``
(the -1 is not inferred), ``keras.random.normal((batch, 2))`` is ``(None, 2)``.
Outside a trace ``keras.ops.shape`` of a symbolic tensor is its shape, None
included, and no Dynamic arises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from kerascheck.graph import Tensor
from kerascheck.interpreter.values import Arguments
from kerascheck.libraries.numpy_arrays import TENSOR_CREATORS, Scalar
from kerascheck.unknown import Unknown, is_unknown

#: Python's operators whose result on a Dynamic is another
ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power)
RUNTIME = "a size known only when the model runs"


class Dynamic:
    """A scalar tensor whose value is known only when the model runs (a None dimension's size)."""

    def __repr__(self) -> str:
        return "Dynamic"


@dataclass(frozen=True)
class ShapeTensor:
    """``tf.shape(x)`` of a traced tensor: its dimensions (ints, Dynamic where None, or Unknown)."""

    dims: tuple


def traced_shape(shape: Any) -> Any:
    """``keras.ops.shape(x)`` of a traced tensor of ``shape``: its None dimensions are Dynamic."""
    if not isinstance(shape, tuple):
        return Unknown("the tensor's shape is not known")
    return tuple(Dynamic() if d is None else d for d in shape)


def is_runtime(value: Any) -> bool:
    return isinstance(value, (Dynamic, ShapeTensor))


def holds_runtime(value: Any) -> bool:
    """Whether a shape argument is a ShapeTensor or holds a Dynamic."""
    if isinstance(value, (list, tuple)):
        return any(holds_runtime(item) for item in value)
    return is_runtime(value)


def sizes(value: Any) -> Any:
    """A shape argument as TensorFlow's shape inference reads it: a Dynamic is None
    there, a ShapeTensor its dimensions (anything else is returned as it is)."""
    if isinstance(value, ShapeTensor):
        value = value.dims
    elif isinstance(value, Dynamic):
        value = (value,)
    if isinstance(value, (list, tuple)) and any(isinstance(d, Dynamic) for d in value):
        return type(value)(None if isinstance(d, Dynamic) else d for d in value)
    return value


def binary(op: type, left: Any, right: Any) -> Any:
    """``left op right`` where one side is a Dynamic or a ShapeTensor (no Tensor)."""
    if isinstance(left, ShapeTensor) or isinstance(right, ShapeTensor):
        return Unknown("arithmetic on tf.shape() is not modelled")
    if op in ARITHMETIC and all(_scalar(side) for side in (left, right)):
        return Dynamic()
    return Unknown(RUNTIME)


def subscript(value: ShapeTensor, key: Any) -> Any:
    """``tf.shape(x)[i]`` and ``tf.shape(x)[i:j]``."""
    if isinstance(key, int) and not isinstance(key, bool):
        if -len(value.dims) <= key < len(value.dims):
            return value.dims[key]
        return Unknown("an index out of the shape's range")
    if isinstance(key, slice) and all(b is None or (isinstance(b, int) and not isinstance(b, bool)) for b in (key.start, key.stop, key.step)):
        return ShapeTensor(value.dims[key])
    return Unknown("this index of tf.shape() is not modelled")


def of_scalars(operands: list) -> bool:
    """Whether an elementwise ``keras.ops`` function of these operands (a Dynamic
    among plain numbers) gives a Dynamic."""
    return any(isinstance(a, Dynamic) for a in operands) and all(_scalar(a) for a in operands)


def created(name: str, arguments: Arguments) -> Tensor | None:
    """``keras.ops.zeros((batch, 2))``, ``keras.random.normal(...)``, ``tf.ones(...)`` of
    a shape holding a Dynamic (or a ShapeTensor): a tensor with None there (None when
    ``name`` makes no tensor or the shape holds none)."""
    if name.removeprefix("random.") not in TENSOR_CREATORS:
        return None
    args, kwargs = arguments.positional, arguments.keywords
    shape = args[0] if args else kwargs.get("shape", kwargs.get("dims"))
    if not holds_runtime(shape):
        return None
    dims = sizes(shape)
    if arguments.opaque or not isinstance(dims, (tuple, list)) or not all(_size(d) for d in dims):
        return Tensor(Unknown(f"{name}() of an unknown shape"))
    return Tensor(tuple(dims))


def _scalar(value: Any) -> bool:
    return isinstance(value, (Dynamic, Scalar, float)) or (isinstance(value, int) and not isinstance(value, bool))


def _size(dim: Any) -> bool:
    return dim is None or is_unknown(dim) or (isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0)
