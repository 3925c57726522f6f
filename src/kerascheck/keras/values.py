"""The Keras side's own values and the helpers that look into call arguments.

``Method`` is a method of a Keras object bound to its receiver.  The other
functions find the tensors in a call's arguments (nested lists, tuples, dicts,
flattened as Keras flattens them) and turn shapes into tensors and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kerascheck.brief import Brief
from kerascheck.catalog.base import Call, LayerType
from kerascheck.graph import Model, Operation, Tensor
from kerascheck.interpreter.sizes import MAX_SIZE
from kerascheck.interpreter.values import Arguments
from kerascheck.keras.dynamic import Dynamic
from kerascheck.libraries.numpy_arrays import Array, Scalar
from kerascheck.modelbuild import ensure_rows
from kerascheck.unknown import Unknown, contains_unknown, is_unknown


@dataclass(eq=False, repr=False)
class Method(Brief):
    """A method of a Keras object bound to its receiver (a layer, a model, a
    tensor, or the instance of a source class deriving from Keras's);
    ``of_super``: reached through ``super()`` in a method of that class."""

    receiver: Any
    name: str
    of_super: bool = False

    @property
    def label(self) -> str:
        """How messages name it (``super.build`` for Keras's ``build`` reached by ``super()``)."""
        return f"super.{self.name}" if self.of_super else self.name


def call_inputs(arguments: Arguments) -> tuple[list, dict]:
    """A model call's positional arguments, its input first (also when given as
    ``inputs=``), and its other keywords."""
    args, kwargs = list(arguments.positional), dict(arguments.keywords)
    if not args and "inputs" in kwargs:
        args = [kwargs.pop("inputs")]
    return args, kwargs


def shape_argument(arguments: Arguments) -> tuple | None:
    """The input shape ``build(input_shape)`` or ``compute_output_shape(input_shape)``
    is given, when it is a known list or tuple."""
    shape = _given_shape(arguments)
    return None if shape is None else readable_shape(shape)


def _given_shape(arguments: Arguments) -> tuple | list | None:
    shape = arguments.keywords.get("input_shape", arguments.positional[0] if arguments.positional else None)
    return shape if not arguments.opaque and isinstance(shape, (tuple, list)) else None


def readable_shape(shape: tuple | list) -> tuple:
    """``shape`` as a tuple, each axis that is not a plain value unknown (a name
    of a module kerascheck could not read); a float or a string stays, for the
    rules that report it."""
    return tuple(d if d is None or is_unknown(d) or isinstance(d, (int, float, str)) else UNREADABLE_AXIS for d in shape)


UNREADABLE_AXIS = Unknown("a dimension kerascheck cannot read")


def shapes_call(layer_type: LayerType | None, arguments: Arguments) -> Call | None:
    """The call a catalog layer's ``build(...)`` or ``compute_output_shape(...)``
    stands for: on the input's shape (a list of shapes for a layer called on a
    list), with the shapes of the call's other tensors for a layer whose methods
    take several (``build(query_shape, value_shape, key_shape=None)``); None when
    one is not a known list or tuple."""
    names = (layer_type or LayerType).shape_parameters
    if layer_type is None or len(names) == 1:
        shape = _given_shape(arguments)
        return None if shape is None else Call(_one_or_several(shape))
    args, kwargs = arguments.positional, arguments.keywords
    if arguments.opaque or len(args) > len(names) or set(kwargs) - set(names[len(args) :]):
        return None
    given = dict(zip(names, args)) | kwargs
    shapes = {}
    for index, name in enumerate(names):
        shape = given.get(name)
        if shape is None and index >= layer_type.required_shapes:
            continue
        if not isinstance(shape, (tuple, list)):
            return None
        shapes[name] = readable_shape(shape)
    first, *others = names
    return Call(shapes[first], {name.removesuffix("_shape"): shapes[name] for name in others if name in shapes})


def _one_or_several(shape: tuple | list) -> Any:
    """A shape, or the shapes of a list of tensors (``Concatenate().build([s1, s2])``)."""
    if shape and all(isinstance(s, (tuple, list)) for s in shape):
        return [readable_shape(s) for s in shape]
    return readable_shape(shape)


def set_trainable(op: Operation, flag: Any, uncertain: bool = False) -> None:
    """``op.trainable = flag``: Keras applies it to every layer inside a model too.
    Under a condition kerascheck cannot evaluate (``uncertain``), or to an unknown
    value, the flag of every operation it may change becomes unknown."""
    if isinstance(op, Model):
        ensure_rows(op)
    inner = [*op.sequence, *(row.operation for row in op.rows or [])] if isinstance(op, Model) else []
    if uncertain or not isinstance(flag, bool):
        if not isinstance(flag, bool) or op.flag() is not flag:
            op.trainable_unknown = "trainable is set under a condition kerascheck cannot evaluate, or to an unknown value"
    else:
        op.trainable, op.trainable_unknown = flag, ""
    for operation in inner:
        set_trainable(operation, flag, uncertain)


def flat(value: Any) -> list:
    """The leaves of nested lists, tuples and dicts, in order, as Keras flattens them
    (a dict in key order); past ``MAX_SIZE`` of them (a list held in itself), the
    last is unknown."""
    out: list = []
    stack = [value]
    visits = 0
    while stack:
        visits += 1
        if visits > MAX_SIZE:
            out.append(Unknown("a structure too large to flatten"))
            break
        current = stack.pop()
        if isinstance(current, (list, tuple)):
            stack.extend(reversed(current))
        elif isinstance(current, dict):
            try:
                keys = sorted(current)
            except TypeError:  # keys Python cannot order ({0: a, "b": c}): Keras raises
                stack.append(Unknown("a dict whose keys Keras cannot order"))
                keys = list(current)
            stack.extend(reversed([current[k] for k in keys]))
        else:
            out.append(current)
    return out


def flatten_tensors(value: Any) -> list:
    return flat(value) if value is not None else []


def has_tensor(values: list) -> bool:
    return any(isinstance(v, Tensor) for v in flat(values))


def as_tensors(value: Any) -> Any:
    """A layer's first argument: tensors stay, anything else becomes an unknown tensor."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)):
        return [as_tensors(v) for v in value]
    if isinstance(value, dict):
        return {k: as_tensors(v) for k, v in value.items()}
    return Tensor(Unknown("the layer's input is not known"))


def shapes_of(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, (list, tuple)):
        return [shapes_of(v) for v in value]
    if isinstance(value, dict):
        return {k: shapes_of(v) for k, v in value.items()}
    return value


def operand_shape(value: Any) -> Any:
    """The shape of an operand of tensor arithmetic: a Python number, a NumPy
    scalar and a size known only when the model runs are scalars; a concrete
    tensor (a NumPy array, ``keras.ops.ones(...)``) has its shape."""
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, (int, float, Scalar, Dynamic)) and not contains_unknown(value):
        return ()
    if isinstance(value, Array) and not value.ragged:
        return value.shape
    return Unknown("operand")


def tensors_for(shapes: Any) -> Any:
    """Tensors of the given shape(s), to trace a call() on."""
    if isinstance(shapes, list):
        return [tensors_for(s) for s in shapes]
    return Tensor(shapes)


def result_shape(result: Any) -> Any:
    """The shape(s) of what a traced call() returned."""
    if isinstance(result, Tensor):
        return result.shape
    if isinstance(result, (list, tuple)) and result and all(isinstance(t, Tensor) for t in result):
        return [t.shape for t in result]
    return Unknown("call() returned a value kerascheck cannot follow")
