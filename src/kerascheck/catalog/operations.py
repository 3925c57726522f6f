"""Keras 3 tensor operations that appear as rows of a Functional model.

``x + y`` on symbolic tensors is the ``Add`` operation, ``x * 0.5`` is
``Multiply``, ``keras.ops.relu(x)`` is ``Relu``...  They have no weights.
These types are looked up with ``operation(name)``, separately from layers.
Like a layer's, an operation's type holds the facts the rules ask about it
(``roles``, ``activation``); an operation takes no mask and passes none on.
"""

from __future__ import annotations

import math
from typing import Any

from kerascheck.catalog.base import (
    Call,
    Explain,
    Invalid,
    LayerType,
    Role,
    ShapeTree,
    Unresolved,
    as_tuple,
    check_rank,
    conv_output_length,
    dim_mul,
    format_shape,
    known,
)
from kerascheck.unknown import Unknown, contains_unknown, is_unknown


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


class OperationType(LayerType):
    """The type of a tensor operation (not a layer: ``catalog.type_of`` tells them apart)."""

    #: its ``data_format`` defaults to Keras's ``image_data_format()``, which the session fills in
    uses_data_format = False


class Elementwise(OperationType):
    """A binary elementwise operation with broadcasting; inputs are two shapes."""

    def __init__(self, name: str, roles: Role = Role.NONE) -> None:
        self.name = name
        self.roles = roles

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        first, second = call.inputs
        return broadcast(first, second, self.name)


class Where(OperationType):
    """``keras.ops.where(condition, x, y)``: the three shapes broadcast together."""

    name = "Where"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        condition, first, second = call.inputs
        return broadcast(broadcast(condition, first, self.name), second, self.name)


class Matmul(OperationType):
    """``keras.ops.matmul(a, b)`` and ``a @ b``: batch axes broadcast."""

    name = "Matmul"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        a, b = call.inputs
        if len(a) < 2 or len(b) < 2:
            raise Unresolved("matmul of vectors is not modelled")
        inner_a, inner_b = a[-1], b[-2]
        if isinstance(inner_a, int) and isinstance(inner_b, int) and inner_a != inner_b:
            raise Invalid(f"Matmul: {format_shape(a)} @ {format_shape(b)}: {inner_a} ≠ {inner_b}", code="KC102")
        return (*broadcast(a[:-2], b[:-2], self.name), a[-2], b[-1])


class Einsum(OperationType):
    """``keras.ops.einsum(equation, *operands)`` without ellipses."""

    name = "Einsum"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        equation = known(cfg.get("equation"), "the equation").replace(" ", "")
        if "..." in equation or "->" not in equation:
            raise Unresolved("einsum with an ellipsis or an implicit output is not modelled")
        inputs, output = equation.split("->")
        sizes: dict[str, Any] = {}
        for letters, shape in zip(inputs.split(","), call.inputs):
            if len(letters) != len(shape):
                raise Invalid(f"Einsum: '{letters}' does not match {format_shape(shape)}", code="KC103")
            for letter, dim in zip(letters, shape):
                if sizes.get(letter) is None or is_unknown(sizes.get(letter)):
                    sizes[letter] = dim
        return tuple(sizes[letter] for letter in output)


class Unary(OperationType):
    """A shape-preserving operation on one tensor; ``activation``: the activation
    function it applies (``keras.ops.relu``), if it only applies one."""

    def __init__(self, name: str, activation: str | None = None, activation_axis: str | None = None) -> None:
        self.name = name
        if activation is not None:
            self.roles = Role.ACTIVATION
            self.activation = activation
            self.activation_axis = activation_axis


class Reduce(OperationType):
    """``mean``/``sum``/``max``... over ``axis`` with ``keepdims``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
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


class GetItem(OperationType):
    """``x[:, 0]`` on a symbolic tensor: Keras 3's ``GetItem`` operation."""

    name = "GetItem"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = list(call.inputs)
        key = known(cfg["key"], "the index")
        keys: list[Any]  # ints, slices, None and Ellipsis
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
                        out.append(None if length is None else slice_length(item, length))
                elif not isinstance(item, int):
                    raise Invalid(f"Keras cannot index a tensor with {item!r}")
        return tuple(out)


class ReshapeOp(OperationType):
    """``keras.ops.reshape(x, newshape)``: no batch special case, as Keras computes it."""

    name = "Reshape"
    roles = Role.KEEPS_ACTIVATION | Role.REARRANGES | Role.BUILDS_SEQUENCES | Role.BEFORE_GATE

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = tuple(call.inputs)
        target = cfg.get("newshape")
        if not isinstance(target, (int, tuple, list)):
            known(target, "newshape")
            raise Unresolved("a newshape that is not a tuple is not modelled")
        target = (target,) if isinstance(target, int) else tuple(target)
        if None in shape or None in target:  # Keras cannot infer the -1
            return tuple(None if d == -1 else d for d in target)
        if contains_unknown((shape, target)):
            return tuple(Unknown("the inferred -1 size") if d == -1 else d for d in target)
        size = math.prod(shape)
        if -1 not in target:
            if math.prod(target) != size:
                raise Invalid(f"cannot reshape {format_shape(shape)} ({size:,} values) to {target}", code="KC104")
            return target
        rest = math.prod(d for d in target if d != -1)
        if rest == 0 or size % rest:
            raise Invalid(f"cannot reshape {format_shape(shape)} ({size:,} values) to {target}", code="KC104")
        return tuple(size // rest if d == -1 else d for d in target)


class Transpose(OperationType):
    name = "Transpose"
    roles = Role.BUILDS_SEQUENCES

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        axes = known(cfg.get("axes"), "axes")
        if axes is None:
            return tuple(reversed(shape))
        return tuple(shape[a] for a in axes)


class ExpandDims(OperationType):
    name = "ExpandDims"
    roles = Role.BUILDS_SEQUENCES

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = list(call.inputs)
        axis = known(cfg.get("axis"), "axis")
        for a in sorted(a % (len(shape) + 1) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))):
            shape.insert(a, 1)
        return tuple(shape)


class Squeeze(OperationType):
    name = "Squeeze"
    roles = Role.BUILDS_SEQUENCES

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        axis = known(cfg.get("axis"), "axis")
        if axis is None:
            if any(d is None or is_unknown(d) for d in shape):
                raise Unresolved("which axes are 1 is not known")
            return tuple(d for d in shape if d != 1)
        axes = {a % len(shape) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
        return tuple(d for i, d in enumerate(shape) if i not in axes)


class Stack(OperationType):
    name = "Stack"
    roles = Role.BUILDS_SEQUENCES

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shapes = call.inputs
        axis = known(cfg.get("axis", 0), "axis")
        out = list(shapes[0])
        out.insert(axis % (len(out) + 1), len(shapes))
        return tuple(out)


class ConcatenateOp(OperationType):
    """``keras.ops.concatenate(xs, axis=0)`` (the layer's default axis is -1).  Keras
    keeps the first tensor's other dimensions; on backend tensors (``_traced``: in a
    traced ``call()``) TensorFlow takes a size any of them knows."""

    name = "Concatenate"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shapes = call.inputs
        axis = known(cfg.get("axis", 0), "axis") % len(shapes[0])
        out = list(shapes[0])
        if cfg.get("_traced"):
            for i in range(len(out)):
                column = [s[i] for s in shapes if i < len(s)]
                fixed = {d for d in column if isinstance(d, int)}
                if i != axis and (len(fixed) > 1 or (not fixed and any(is_unknown(d) for d in column))):
                    out[i] = Unknown()
                elif i != axis and fixed:
                    out[i] = fixed.pop()
        sizes = [s[axis] for s in shapes]
        if any(is_unknown(d) for d in sizes):
            out[axis] = Unknown()
        else:
            out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)


class ExtractPatches(OperationType):
    """``keras.ops.image.extract_patches(images, size, strides=size, dilation_rate=1,
    padding="valid")``: 2-D patches, laid out as a convolution of ``size`` with
    ``size[0] * size[1] * channels`` filters would lay them out (an image of rank 3
    has no batch axis)."""

    name = "ExtractPatches"
    uses_data_format = True

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        size = known(cfg.get("size"), "size")
        if isinstance(size, (tuple, list)) and len(size) == 3:
            raise Unresolved("3-D patches are not modelled")
        size = as_tuple(size, 2, "size")
        strides = as_tuple(known(cfg.get("strides"), "strides") or size, 2, "strides")
        dilation = as_tuple(cfg.get("dilation_rate", 1), 2, "dilation_rate")
        padding = known(cfg.get("padding", "valid"), "padding")
        shape = tuple(call.inputs)
        check_rank(shape, (3, 4), self.name)
        batched = shape if len(shape) == 4 else (1, *shape)
        first = known(cfg.get("data_format"), "data_format") == "channels_first"
        channels, spatial = (batched[1], batched[2:]) if first else (batched[3], batched[1:3])
        sides = [conv_output_length(*axis) for axis in zip(spatial, size, (padding,) * 2, strides, dilation)]
        filters = dim_mul(size[0], size[1], channels)
        out = (batched[0], filters, *sides) if first else (batched[0], *sides, filters)
        return out if len(shape) == 4 else out[1:]


class BroadcastTo(OperationType):
    """``keras.ops.broadcast_to(x, shape)``: Keras gives ``shape``; on backend tensors
    (``_traced``) TensorFlow broadcasts ``x``'s shape with it, so a None there takes
    a size of ``x``."""

    name = "BroadcastTo"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        target = known(cfg.get("shape"), "the shape")
        if not isinstance(target, (tuple, list)):
            raise Unresolved("a shape that is not a tuple is not modelled")
        target = tuple(target)
        shape = tuple(call.inputs)
        if not all(d is None or is_unknown(d) or (isinstance(d, int) and d >= 0) for d in target):
            raise Unresolved("a shape whose sizes are not numbers is not modelled")
        if len(shape) > len(target):
            raise Unresolved("broadcasting to a shape of lower rank is not modelled")
        out = broadcast(shape, target, self.name)  # Keras checks that they broadcast
        if not cfg.get("_traced"):
            return target
        if any(isinstance(x, int) and isinstance(d, int) and x not in (1, d) for x, d in zip(shape[::-1], target[::-1])):
            raise Unresolved("broadcasting a size to a smaller one is not modelled")
        return out


class Split(OperationType):
    """``keras.ops.split(x, indices_or_sections, axis=0)``: as many equal parts (the
    axis must divide), or the parts between the indices, each ``end - start`` as
    Keras computes them (a negative one is refused)."""

    name = "Split"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = list(call.inputs)
        axis = known(cfg.get("axis", 0), "axis") % len(shape)
        sections, size = known(cfg.get("indices_or_sections"), "indices_or_sections"), shape[axis]
        if is_unknown(size):
            raise Unresolved("the size of the split axis is unknown")
        if isinstance(sections, int) and not isinstance(sections, bool):
            if size is not None and (sections <= 0 or size % sections):
                raise Invalid(f"split: {size} cannot be divided into {sections} equal parts")
            sizes = [None if size is None else size // sections] * sections
        elif isinstance(sections, (tuple, list)) and all(isinstance(i, int) and not isinstance(i, bool) for i in sections):
            ends = [0, *sections, size]
            sizes = [None if b is None else b - a for a, b in zip(ends, ends[1:])]
        else:
            raise Unresolved(f"split at {sections!r} is not modelled")
        if any(d is not None and d < 0 for d in sizes):
            raise Invalid(f"split of {format_shape(call.inputs)} at {list(sections)} gives a negative size")
        return [tuple(d if i == axis else dim for i, dim in enumerate(shape)) for d in sizes]


BINARY = {
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "true_divide": "TrueDivide",
    "divide": "Divide",
    "power": "Power",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "not_equal": "NotEqual",
    "equal": "Equal",
    "greater": "Greater",
    "greater_equal": "GreaterEqual",
    "less": "Less",
    "less_equal": "LessEqual",
    "logical_or": "LogicalOr",
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
    "clip": "Clip",
    "cast": "Cast",
    "flip": "Flip",
    "zeros_like": "ZerosLike",
    "ones_like": "OnesLike",
    "log_softmax": "LogSoftmax",
    "floor": "Floor",
    "ceil": "Ceil",
    "round": "Round",
    "sign": "Sign",
    "sin": "Sin",
    "cos": "Cos",
    "stop_gradient": "StopGradient",
    "convert_to_tensor": "ConvertToTensor",
    "normalize": "Normalize",
}
#: the unary functions that only apply an activation, and which
ACTIVATIONS = {
    "relu": "relu",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "gelu": "gelu",
    "silu": "silu",
    "swish": "silu",
}
#: the ``keras.activations`` functions that, on a symbolic tensor, are the
#: ``keras.ops`` function of this name (``relu`` is an operation of its own, ``ReLU``)
ACTIVATION_FUNCTIONS = {
    "gelu": "gelu",
    "sigmoid": "sigmoid",
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "tanh": "tanh",
    "silu": "silu",
    "swish": "silu",
    "exponential": "exp",
}
#: the roles of the binary functions' operations (``Role``)
BINARY_ROLES = {"multiply": Role.GATES}
REDUCE = {"mean": "Mean", "sum": "Sum", "max": "Max", "min": "Min", "any": "Any", "all": "All"}
SHAPING = {
    "get_item": GetItem,
    "reshape": ReshapeOp,
    "transpose": Transpose,
    "expand_dims": ExpandDims,
    "squeeze": Squeeze,
    "stack": Stack,
    "concatenate": ConcatenateOp,
    "broadcast_to": BroadcastTo,
    "where": Where,
    "matmul": Matmul,
    "einsum": Einsum,
    "extract_patches": ExtractPatches,
    "split": Split,
}
#: positional parameters after the tensor argument(s), by function
OP_PARAMETERS = {
    "reshape": ("newshape",),
    "transpose": ("axes",),
    "expand_dims": ("axis",),
    "squeeze": ("axis",),
    "stack": ("axis",),
    "concatenate": ("axis",),
    "broadcast_to": ("shape",),
    "split": ("indices_or_sections", "axis"),
    "mean": ("axis", "keepdims"),
    "sum": ("axis", "keepdims"),
    "max": ("axis", "keepdims"),
    "min": ("axis", "keepdims"),
    "any": ("axis", "keepdims"),
    "all": ("axis", "keepdims"),
    "softmax": ("axis",),
    "log_softmax": ("axis",),
    "normalize": ("axis", "order", "epsilon"),
    "extract_patches": ("size", "strides", "dilation_rate", "padding", "data_format"),
}


def operation(function: str) -> LayerType | None:
    """The operation type for a ``keras.ops`` function name, if modelled."""
    if function in SHAPING:
        return SHAPING[function]()
    if function in BINARY:
        return Elementwise(BINARY[function], BINARY_ROLES.get(function, Role.NONE))
    if function in UNARY:
        activation = ACTIVATIONS.get(function)
        axis = "axis" if activation is not None and "axis" in OP_PARAMETERS.get(function, ()) else None
        return Unary(UNARY[function], activation, axis)
    if function in REDUCE:
        return Reduce(REDUCE[function])
    return None


def slice_length(item: slice, length: int) -> int:
    """How many items ``item`` takes of ``length`` (``len(range(*item.indices(length)))``,
    however large the length); a step of zero is refused, as Keras refuses it."""
    if item.step == 0:
        raise Invalid("slice step cannot be zero")
    start, stop, step = item.indices(length)
    return max(0, (stop - start + step - (1 if step > 0 else -1)) // step)
