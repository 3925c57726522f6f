"""NumPy arrays of known shape (the data of ``keras.datasets``) and the usual steps on them.

An ``Array`` is what kerascheck knows of one NumPy array object: its shape
(each dimension an int or ``Unknown``; the whole shape ``Unknown`` once it is
lost), its dtype (a NumPy name, ``"integer"`` when only that is documented, or
``Unknown``), whether it holds
variable-length sequences (``ragged``: an object array of word-index lists)
and, for integer labels, ``classes``: the labels are exactly ``0..classes-1``,
each present, and ``maximum``, their largest value.  The functions below are what NumPy does to such arrays (the
Keras data utilities are in ``keras.datasets``); a result that would depend
on the values is ``Unknown``.  An array made from a Python list of numbers
(``np.array(data)``, ``np.reshape(data, ...)``) has the list's shape, and its
``classes`` and ``maximum`` where they are integers.  Changing values in place
(``y[...] = v``, ``y += 1``, an unmodelled method or function) forgets
``classes`` and ``maximum`` of the array and of every view sharing its ``Buffer``; shapes change in place only through
``x.shape = ...`` and ``x.resize()``.

A ``Vector`` is a 1-D float array of known values (``np.linspace``), a
``Scalar`` a NumPy number of known value (``np.max(y) + 1``).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterator

from kerascheck.interpreter.sizes import MAX_SIZE, range_length
from kerascheck.interpreter.values import Arguments, Builtin, Ref
from kerascheck.unknown import Unknown, contains_unknown, is_unknown

INTEGER = "integer"  # an integer dtype of undocumented width
INTEGER_BITS = {"int8": 8, "int16": 16, "int32": 32, "int64": 64, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}
FLOAT_DTYPES = frozenset(("float16", "float32", "float64"))
DTYPES = frozenset(INTEGER_BITS) | FLOAT_DTYPES | {"bool", "object"}
DTYPE_ALIASES = {"float": "float64", "int": "int64", "double": "float64", "half": "float16"}
ELEMENTWISE = (operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod, operator.pow)
REDUCTIONS = ("max", "amax", "min", "amin", "mean", "std", "var", "sum")


@dataclass(eq=False)
class Buffer:
    """The memory an array shares with its views; ``written`` once its values may have changed."""

    written: bool = False


@dataclass(eq=False)
class Array:
    """A NumPy array: ``shape``, ``dtype``, ``classes`` and ``maximum`` (for labels),
    ``ragged``; or, ``tensor``, a concrete tensor of the backend (``tf.zeros``,
    ``keras.ops.arange``, a layer's output on concrete data), which, unlike an
    array, may stand left of an operator whose right is a symbolic tensor."""

    shape: Any
    dtype: Any
    labels: int | None = None  # the class count, while the buffer is unchanged
    ragged: bool = False
    buffer: Buffer = field(default_factory=Buffer)
    tensor: bool = False
    top: int | None = None  # the largest label, while the buffer is unchanged
    span: tuple[float, float] | None = None  # the smallest and largest value, while the buffer is unchanged

    @property
    def classes(self) -> int | None:
        return None if self.buffer.written else self.labels

    @property
    def maximum(self) -> int | None:
        """The largest of integer labels (``classes - 1`` when they are ``0..classes-1``)."""
        if self.buffer.written:
            return None
        return self.top if self.top is not None else None if self.labels is None else self.labels - 1

    @property
    def values_range(self) -> tuple[float, float] | None:
        """The smallest and largest of its values (None: not known)."""
        return None if self.buffer.written else self.span

    def __len__(self) -> int:
        """``len(x)``: the first dimension; a TypeError (an unknown ``len()``) when unknown."""
        if is_unknown(self.shape) or not self.shape or not isinstance(self.shape[0], int):
            raise TypeError("the length of this array is not known")
        return self.shape[0]


@dataclass(frozen=True)
class Scalar:
    """A NumPy scalar of known value (``np.max(y) + 1``): not a Python ``int``, so
    Keras 3 layers that check for one (``Dense(units)``) reject it."""

    value: int | float
    dtype: Any

    def __int__(self) -> int:
        return int(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __index__(self) -> int:
        if not isinstance(self.value, int):
            raise TypeError("a NumPy float is not an index")
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        if self.dtype in INTEGER_BITS or self.dtype in FLOAT_DTYPES:
            return f"np.{self.dtype}({self.value})"
        return f"a NumPy {'integer' if self.dtype == INTEGER else 'scalar'} {self.value}"


def is_numpy(value: Any) -> bool:
    """An ``Array`` or a ``Scalar``: arithmetic on it follows NumPy."""
    return isinstance(value, (Array, Scalar))


NOT_ARRAY = object()
"""Returned by ``call_numpy`` for a call that is not on an ``Array``."""


def forget(array: Array) -> None:
    """The array's values (and its views') may have changed: class counts are no longer known."""
    array.buffer.written = True


def lose_shape(array: Array) -> None:
    array.shape = Unknown("the array's shape changed in a way kerascheck does not follow")
    array.dtype = Unknown("the array's dtype")
    forget(array)


def view(array: Array, shape: Any, whole: bool = True) -> Array:
    """A NumPy view of ``array`` (or a result that may be one): the same buffer;
    the labels' ``classes`` and ``maximum`` are kept when it holds all its values."""
    if not whole:
        return Array(shape, array.dtype, None, array.ragged, array.buffer)
    return Array(shape, array.dtype, array.labels, array.ragged, array.buffer, top=array.top, span=array.span)


def copy(array: Array, dtype: Any = None) -> Array:
    kept = array.values_range if dtype is None or dtype == array.dtype else None
    return Array(array.shape, array.dtype if dtype is None else dtype, array.classes, array.ragged, top=array.maximum,
                 span=kept)


def _dim() -> Unknown:
    return Unknown("a dimension that depends on the data")


def dtype_of(value: Any) -> Any:
    """A NumPy dtype name from ``'float32'``, ``np.float32``, ``float``; Unknown otherwise."""
    if isinstance(value, Ref) and value.path.startswith("numpy."):
        value = value.last
    elif isinstance(value, Builtin):
        value = value.name
    if not isinstance(value, str):
        return Unknown("dtype")
    value = DTYPE_ALIASES.get(value, value)
    return value if value in DTYPES else Unknown(f"dtype {value!r}")


def _known(shape: Any) -> bool:
    return not is_unknown(shape) and all(isinstance(d, int) for d in shape)


# ----------------------------------------------------------------- shapes
def reshape(array: Array, new: Any) -> Any:
    """``x.reshape(new)``: one ``-1`` is inferred; an unknown dimension of ``x`` passed
    back unchanged (``x.reshape(x.shape[0], -1)``) cancels out."""
    if isinstance(new, int) and not isinstance(new, bool):
        new = (new,)
    if is_unknown(array.shape) or not isinstance(new, (tuple, list)):
        return Unknown("reshape to an unknown shape")
    if any(isinstance(d, bool) or not (isinstance(d, int) or is_unknown(d)) for d in new):
        return Unknown("reshape to a shape that is not made of integers")
    if sum(1 for d in new if isinstance(d, int) and d == -1) > 1 or any(isinstance(d, int) and d < -1 for d in new):
        return Unknown("an invalid reshape")
    old_unknown = [d for d in array.shape if is_unknown(d)]
    new_unknown = [d for d in new if is_unknown(d)]
    for dim in list(new_unknown):  # the same unknown on both sides cancels out
        match = next((i for i, d in enumerate(old_unknown) if d is dim), None)
        if match is not None:
            old_unknown.pop(match)
            new_unknown.remove(dim)
    old_size = math.prod(d for d in array.shape if isinstance(d, int))
    new_size = math.prod(d for d in new if isinstance(d, int) and d != -1)
    unknown = bool(old_unknown or new_unknown)
    if -1 in [d for d in new if isinstance(d, int)]:
        if unknown:
            inferred: Any = _dim()
        elif new_size == 0 or old_size % new_size:
            return Unknown("an invalid reshape")
        else:
            inferred = old_size // new_size
        new = [inferred if isinstance(d, int) and d == -1 else d for d in new]
    elif not unknown and old_size != new_size:
        return Unknown("an invalid reshape")
    return view(array, tuple(new))


def expand_dims(array: Array, axis: Any) -> Any:
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if is_unknown(array.shape) or not all(is_int(a) for a in axes):
        return Unknown("expand_dims of an unknown shape")
    rank = len(array.shape) + len(axes)
    positions = {a + rank if a < 0 else a for a in axes}
    if len(positions) != len(axes) or not all(0 <= p < rank for p in positions):
        return Unknown("expand_dims with an invalid axis")
    dims = iter(array.shape)
    shape = tuple(1 if i in positions else next(dims) for i in range(rank))
    return view(array, shape)


def squeeze(array: Array, axis: Any = None) -> Any:
    if is_unknown(array.shape):
        return Unknown("squeeze of an unknown shape")
    rank = len(array.shape)
    if axis is None:
        if any(is_unknown(d) for d in array.shape):
            return Unknown("squeeze: which dimensions are 1 is not known")
        axes = {i for i, d in enumerate(array.shape) if d == 1}
    else:
        given = axis if isinstance(axis, (tuple, list)) else (axis,)
        if not all(is_int(a) and -rank <= a < rank for a in given):
            return Unknown("squeeze with an invalid axis")
        axes = {a % rank for a in given}
        if any(isinstance(array.shape[a], int) and array.shape[a] != 1 for a in axes):
            return Unknown("squeeze of a dimension that is not 1")
    shape = tuple(d for i, d in enumerate(array.shape) if i not in axes)
    return view(array, shape)


def transpose(array: Array, axes: Any = None) -> Any:
    if is_unknown(array.shape):
        return Unknown("transpose of an unknown shape")
    rank = len(array.shape)
    order = tuple(range(rank))[::-1] if axes is None else tuple(axes) if isinstance(axes, (tuple, list)) else None
    if order is None or not all(is_int(a) and -rank <= a < rank for a in order):
        return Unknown("transpose with unknown axes")
    order = tuple(a % rank for a in order)
    if sorted(order) != list(range(rank)):
        return Unknown("transpose with invalid axes")
    return view(array, tuple(array.shape[a] for a in order))


def concatenate(arrays: Any, axis: Any = 0) -> Any:
    """``np.concatenate((a, b), axis)``: the sizes along ``axis`` add up, the others agree."""
    shapes = _joined_shapes(arrays)
    if shapes is None or not is_int(axis) or not -len(shapes[0]) <= axis < len(shapes[0]):
        return Unknown("concatenate() of arrays kerascheck does not know")
    axis %= len(shapes[0])
    sizes = [shape[axis] for shape in shapes]
    shape = _agreeing([s[:axis] + s[axis + 1 :] for s in shapes])
    if shape is None:
        return Unknown("concatenate() of arrays whose shapes disagree")
    total = sum(sizes) if all(is_int(d) for d in sizes) else _dim()
    return Array((*shape[:axis], total, *shape[axis:]), _joined_dtype(arrays))


def stack(arrays: Any, axis: Any = 0) -> Any:
    """``np.stack((a, b), axis)``: arrays of one shape along a new axis."""
    shapes = _joined_shapes(arrays)
    if shapes is None or not is_int(axis) or not -len(shapes[0]) - 1 <= axis <= len(shapes[0]):
        return Unknown("stack() of arrays kerascheck does not know")
    shape = _agreeing(shapes)
    if shape is None:
        return Unknown("stack() of arrays whose shapes disagree")
    axis %= len(shape) + 1
    return Array((*shape[:axis], len(shapes), *shape[axis:]), _joined_dtype(arrays))


def _joined_shapes(arrays: Any) -> list[tuple] | None:
    """The shapes of a tuple or list of arrays of one known rank (None otherwise)."""
    if not isinstance(arrays, (tuple, list)) or not arrays:
        return None
    if not all(isinstance(a, Array) and not a.ragged and not is_unknown(a.shape) for a in arrays):
        return None
    shapes = [tuple(a.shape) for a in arrays]
    return shapes if len({len(shape) for shape in shapes}) == 1 and shapes[0] else None


def _agreeing(shapes: list[tuple]) -> tuple | None:
    """The one shape arrays NumPy joins have (each dimension known if any array knows
    it); None when known dimensions differ, which NumPy refuses."""
    out = []
    for dims in zip(*shapes):
        known = {d for d in dims if is_int(d)}
        if len(known) > 1:
            return None
        out.append(known.pop() if known else dims[0])
    return tuple(out)


def _joined_dtype(arrays: list) -> Any:
    dtypes = {a.dtype for a in arrays if isinstance(a.dtype, str)}
    return dtypes.pop() if len(dtypes) == 1 and all(isinstance(a.dtype, str) for a in arrays) else Unknown("the dtype")


def flatten(array: Array) -> Any:
    if is_unknown(array.shape):
        return Unknown("flatten of an unknown shape")
    size = math.prod(array.shape) if _known(array.shape) else _dim()
    return view(array, (size,))


def getitem(array: Array, key: Any) -> Any:
    """Basic indexing: integers, slices, ``None``/``np.newaxis`` and one ``...``."""
    items = key if isinstance(key, tuple) else (key,)
    if is_unknown(array.shape) or contains_unknown(items):
        return Unknown("indexing with unknown values")
    if any(not (item is None or item is Ellipsis or isinstance(item, slice) or is_int(item)) for item in items):
        return Unknown("advanced indexing")
    consumed = sum(1 for item in items if item is not None and item is not Ellipsis)
    ellipses = sum(1 for item in items if item is Ellipsis)
    rank = len(array.shape)
    if ellipses > 1 or consumed > rank:
        return Unknown("an invalid index")
    fill = (slice(None),) * (rank - consumed)
    if ellipses:
        at = items.index(Ellipsis)
        items = items[:at] + fill + items[at + 1 :]
    else:
        items = items + fill
    shape: list[Any] = []
    dims = iter(array.shape)
    subset = False
    for item in items:
        if item is None:
            shape.append(1)
            continue
        dim = next(dims)
        if is_int(item):
            if isinstance(dim, int) and not -dim <= item < dim:
                return Unknown("an index out of range")
            subset |= dim != 1
            continue
        if item == slice(None):
            shape.append(dim)
            continue
        if not all(part is None or is_int(part) for part in (item.start, item.stop, item.step)):
            return Unknown("a slice with bounds that are not integers")
        if item.step == 0:
            return Unknown("a slice step of zero")
        length = range_length(range(*item.indices(dim))) if isinstance(dim, int) else _dim()
        subset |= length != dim
        shape.append(length)
    if not shape:
        return Unknown("an element of an array")
    return view(array, tuple(shape), whole=not subset)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ------------------------------------------------------------ arithmetic
def broadcast(left: Any, right: Any) -> Any:
    """NumPy's broadcasting of two shapes (a program that runs had them compatible)."""
    shape: list[Any] = []
    for i in range(1, max(len(left), len(right)) + 1):
        a = left[-i] if i <= len(left) else 1
        b = right[-i] if i <= len(right) else 1
        if a is b or a == 1:
            shape.append(b)
        elif b == 1:
            shape.append(a)
        elif isinstance(a, int) and isinstance(b, int):
            if a != b:
                return Unknown("shapes that do not broadcast")
            shape.append(a)
        else:  # one is unknown: where it runs, the known one (not 1) is the size
            shape.append(a if isinstance(a, int) else b if isinstance(b, int) else _dim())
    return tuple(reversed(shape))


def _resultdtype_of(op: Callable, dtypes: list[Any], python: Any) -> Any:
    """The dtype of ``op`` on arrays of ``dtypes`` and a Python scalar (NumPy 2 rules)."""
    if any(is_unknown(d) for d in dtypes) or len(set(dtypes)) != 1:
        return Unknown("dtype")
    dtype = dtypes[0]
    if dtype in FLOAT_DTYPES:
        return dtype
    if _is_integer(dtype) and (op is operator.truediv or isinstance(python, float)):
        return "float64"
    return dtype if _is_integer(dtype) else Unknown("dtype")


def _is_integer(dtype: Any) -> bool:
    return dtype == INTEGER or dtype in INTEGER_BITS


def binary(op: Callable, left: Any, right: Any) -> Any:
    """``x / 255``, ``x - mean``, ``2 * x``, ``np.max(y) + 1``: the result's shape
    (or value) and dtype."""
    if op not in ELEMENTWISE:
        return Unknown("this operator on arrays is not modelled")
    if not all(is_numpy(v) or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in (left, right)):
        return Unknown("arithmetic of an array with an unknown value")
    if isinstance(left, Scalar) and not isinstance(right, Array) or isinstance(right, Scalar) and not isinstance(left, Array):
        return _scalar_binary(op, left, right)
    if any(isinstance(v, Array) and (is_unknown(v.shape) or v.ragged) for v in (left, right)):
        return Unknown("arithmetic on an array of unknown shape")
    shapes = [v.shape if isinstance(v, Array) else () for v in (left, right)]
    dtypes = [v.dtype for v in (left, right) if is_numpy(v)]
    python = next((v for v in (left, right) if not is_numpy(v)), None)
    shape = broadcast(*shapes)
    if is_unknown(shape):
        return shape
    return Array(shape, _resultdtype_of(op, dtypes, python))


def _scalar_binary(op: Callable, left: Any, right: Any) -> Any:
    dtypes = [v.dtype for v in (left, right) if isinstance(v, Scalar)]
    python = next((v for v in (left, right) if not isinstance(v, Scalar)), None)
    dtype = _resultdtype_of(op, dtypes, python)
    try:
        value = op(*(v.value if isinstance(v, Scalar) else v for v in (left, right)))
    except (ArithmeticError, ValueError) as exc:
        return Unknown(f"NumPy arithmetic failed: {exc}")
    if isinstance(dtype, str) and dtype in INTEGER_BITS:
        bits = INTEGER_BITS[dtype]
        low, high = (0, 2**bits) if dtype.startswith("u") else (-(2 ** (bits - 1)), 2 ** (bits - 1))
        if not isinstance(value, int) or not low <= value < high:
            return Unknown("NumPy integer overflow")
    elif dtype in FLOAT_DTYPES:
        value = float(value)
    elif not _is_integer(dtype) or not isinstance(value, int):
        return Unknown("the type of a NumPy result")
    return Scalar(value, dtype)


def inplace(array: Array) -> Array:
    """``x /= v``: NumPy changes the values of ``x`` itself, never its shape or dtype."""
    forget(array)
    return array


def set_attribute(array: Array, name: str, value: Any, uncertain: bool) -> None:
    """``x.shape = (...)`` reshapes ``x`` itself; any other assignment loses what is known."""
    result = reshape(array, value) if name == "shape" and not uncertain else None
    if isinstance(result, Array):
        array.shape = result.shape
    else:
        lose_shape(array)


# ------------------------------------------------------------ reductions
def reduce(array: Array, name: str, axis: Any = None, keepdims: Any = False) -> Any:
    """``max``, ``min``, ``mean``, ``std``, ``var``, ``sum`` over ``axis``."""
    name = {"amax": "max", "amin": "min"}.get(name, name)
    if is_unknown(array.shape) or array.ragged or not isinstance(keepdims, bool):
        return Unknown(f"{name}() of an array")
    if axis is None:
        value = array.maximum if name == "max" else 0 if name == "min" and array.classes is not None else None
        if keepdims or value is None:
            return Unknown(f"{name}() depends on the data")
        if array.dtype in FLOAT_DTYPES:
            return Scalar(float(value), array.dtype)
        return Scalar(value, array.dtype) if _is_integer(array.dtype) else Unknown(f"{name}() of an unknown dtype")
    rank = len(array.shape)
    axes: Collection[Any] = axis if isinstance(axis, (tuple, list)) else (axis,)
    if not all(is_int(a) and -rank <= a < rank for a in axes):
        return Unknown(f"{name}() over an invalid axis")
    axes = {a % rank for a in axes}
    shape = tuple(1 if i in axes else d for i, d in enumerate(array.shape) if keepdims or i not in axes)
    if name in ("max", "min"):
        dtype = array.dtype
    elif name == "sum":
        dtype = array.dtype if array.dtype in FLOAT_DTYPES else Unknown("dtype of a sum")
    else:
        dtype = _resultdtype_of(operator.truediv, [array.dtype], None)
    return Array(shape, dtype)


def unique(array: Array) -> Any:
    """``np.unique(y)``: the sorted distinct values (the classes of labels)."""
    if is_unknown(array.shape) or array.ragged:
        return Unknown("unique() of an array")
    count = array.classes if array.classes is not None else _dim()
    return Array((count,), array.dtype, array.classes, top=array.maximum)


def astype(array: Array, dtype: Any) -> Any:
    """``x.astype(dtype)``: labels keep their values where ``dtype`` holds them."""
    if array.ragged:
        return Unknown("variable-length sequences cannot be cast")
    dtype = dtype_of(dtype)
    result = copy(array, dtype)
    if result.maximum is not None and not (dtype in FLOAT_DTYPES or result.maximum < _integer_limit(dtype)):
        result.labels = result.top = None
    return result


def _integer_limit(dtype: Any) -> int | float:
    """One more than the largest value of an integer dtype (0 for any other)."""
    if dtype not in INTEGER_BITS:
        return 0
    bits = INTEGER_BITS[dtype]
    return 2**bits if dtype.startswith("u") else 2 ** (bits - 1)


# ---------------------------------------------------------------- access
def attribute(array: Array, name: str) -> Any:
    """``x.shape``, ``x.ndim``, ``x.dtype``, ``x.size``, ``x.T`` and the methods of ``x``."""
    if name == "shape":
        return array.shape
    if name == "ndim":
        return Unknown("rank") if is_unknown(array.shape) else len(array.shape)
    if name == "dtype":
        return Unknown("dtype") if array.dtype == INTEGER else array.dtype
    if name == "size":
        return math.prod(array.shape) if _known(array.shape) else Unknown("size")
    if name == "T":
        return transpose(array)
    return Builtin(name, lambda arguments: method(array, name, arguments))


def method(array: Array, name: str, arguments: Arguments) -> Any:
    """``x.reshape(...)``, ``x.astype(...)``, ``x.max()``..."""
    args, kwargs = arguments.positional, arguments.keywords
    if arguments.opaque:
        forget(array)
        return Unknown(f".{name}() with unknown arguments")
    if name == "reshape":
        shape = kwargs.get("shape", args[0] if len(args) == 1 else tuple(args))
        return reshape(array, shape)
    if name == "astype" and (args or "dtype" in kwargs):
        return astype(array, kwargs.get("dtype", args[0] if args else None))
    if name in REDUCTIONS:
        return reduce(array, name, kwargs.get("axis", args[0] if args else None), kwargs.get("keepdims", False))
    if name == "squeeze":
        return squeeze(array, kwargs.get("axis", args[0] if args else None))
    if name == "transpose":
        axes = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else (tuple(args) or None)
        return transpose(array, axes)
    if name in ("flatten", "ravel"):
        return flatten(array)
    if name == "copy":
        return copy(array)
    if name == "resize":
        lose_shape(array)
        return None
    forget(array)  # a method kerascheck does not model may change the values
    return Unknown(f"array.{name}()")


NUMPY_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "reshape": lambda a, shape=None, newshape=None, **k: reshape(a, shape if shape is not None else newshape),
    "expand_dims": lambda a, axis: expand_dims(a, axis),
    "squeeze": lambda a, axis=None: squeeze(a, axis),
    "transpose": lambda a, axes=None: transpose(a, axes),
    "ravel": lambda a: flatten(a),
    "unique": lambda a: unique(a),
    "array": lambda a, dtype=None: copy(a) if dtype is None else astype(a, dtype),
    "asarray": lambda a, dtype=None: a if dtype is None else astype(a, dtype),
    **{
        name: (lambda a, axis=None, keepdims=False, name=name: reduce(a, name, axis, keepdims))
        for name in REDUCTIONS
    },
}


#: NumPy's most dimensions (``numpy.MAXDIMS`` of NumPy 2)
MAX_DIMENSIONS = 64
#: functions of a sequence of arrays
JOINS: dict[str, Callable[..., Any]] = {"concatenate": concatenate, "stack": stack}


def call_numpy(name: str, arguments: Arguments) -> Any:
    """``np.NAME(x, ...)`` on an ``Array`` or a list of numbers, or ``np.concatenate((x,
    y))`` (``NOT_ARRAY`` when ``x`` is none of them)."""
    args, kwargs = arguments.positional, arguments.keywords
    if name in JOINS and args and isinstance(args[0], (tuple, list)) and any(isinstance(a, Array) for a in args[0]):
        try:
            joined = [of_values(a) for a in args[0]]
            return Unknown(f"numpy.{name}() with these arguments") if arguments.opaque else JOINS[name](joined, *args[1:], **kwargs)
        except TypeError:
            return Unknown(f"numpy.{name}() with these arguments is not modelled")
    if args and name in NUMPY_FUNCTIONS and not arguments.opaque:
        args = [of_values(args[0]), *args[1:]]
    if not args or not isinstance(args[0], Array):
        return NOT_ARRAY
    function = NUMPY_FUNCTIONS.get(name)
    if function is None or arguments.opaque:
        for value in [*args, *kwargs.values()]:
            if isinstance(value, Array):
                forget(value)  # the function may change the values in place
        return Unknown(f"numpy.{name}() of an array is not modelled")
    try:
        return function(*args, **kwargs)
    except TypeError:
        return Unknown(f"numpy.{name}() with these arguments is not modelled")


# --------------------------------------------------------- new arrays
def of_values(value: Any) -> Any:
    """The ``Array`` NumPy makes of a (nested) list or tuple of known numbers of
    one depth and length per level (``value`` itself when it is no such list)."""
    if not isinstance(value, (list, tuple)):
        return value
    shape: list[int] = []
    level: list[Any] = [value]
    while level and all(isinstance(v, (list, tuple)) for v in level):
        lengths = {len(v) for v in level}
        if len(lengths) != 1:
            return value  # ragged: NumPy refuses it
        shape.append(lengths.pop())
        if len(shape) > MAX_DIMENSIONS or len(level) * shape[-1] > MAX_SIZE:
            return value  # NumPy refuses more dimensions; or more items than kerascheck lists (a list held in itself)
        level = [item for v in level for item in v]
    if any(not isinstance(v, (int, float)) or isinstance(v, (list, tuple)) for v in level):
        return value  # a leaf that is not a known number, or lists at different depths
    if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in level):
        return value  # beyond int64: NumPy makes another dtype
    if level and all(isinstance(v, bool) for v in level):
        return Array(tuple(shape), "bool")
    if not level:
        return Array(tuple(shape), "float64")
    span = (min(level), max(level)) if all(v == v for v in level) else None  # (NaN is no bound)
    if any(isinstance(v, float) for v in level):
        return Array(tuple(shape), "float64", span=span)
    array = Array(tuple(shape), "int64", span=span)
    if min(level) >= 0:
        array.top = max(level)
        array.labels = array.top + 1 if len(set(level)) == array.top + 1 else None
    return array


#: functions that make an array of a given shape (the data to call a model on):
#: name → (position of the shape argument, its keyword, whether the shape is
#: spread over the positional arguments, the dtype by default)
CREATORS = {
    "zeros": (0, "shape", False, "float64"),
    "ones": (0, "shape", False, "float64"),
    "empty": (0, "shape", False, "float64"),
    "full": (0, "shape", False, Unknown("the dtype of the fill value")),
    "random.random": (0, "size", False, "float64"),
    "random.random_sample": (0, "size", False, "float64"),
    "random.rand": (0, "", True, "float64"),
    "random.randn": (0, "", True, "float64"),
    "random.normal": (2, "size", False, "float64"),
    "random.uniform": (2, "size", False, "float64"),
}
#: the same for TensorFlow, keras.ops and keras.random (``random.`` prefix or not): the shape comes first
TENSOR_CREATORS = frozenset(("zeros", "ones", "fill", "normal", "uniform", "truncated_normal"))
#: ``tf.range`` and ``keras.ops.arange`` (NumPy's ``arange``)
TENSOR_RANGES = ("range", "arange")
#: the names of their bounds: NumPy's and keras.ops' (``stop``, ``step``), TensorFlow's (``limit``, ``delta``)
RANGE_KEYWORDS = (("start",), ("stop", "limit"), ("step", "delta"))


def create(name: str, arguments: Arguments, tensor: bool = False) -> Any:
    """``np.zeros((2, 3))``, ``np.random.rand(2, 3)``, ``tf.zeros(...)``: a new array of that
    shape, partly known when a size is unknown (``NOT_ARRAY`` when ``name`` makes none);
    tensors are float32 by default."""
    args, kwargs = arguments.positional, arguments.keywords
    if name in (TENSOR_RANGES if tensor else ("arange",)):
        return arange(arguments, tensor)
    if tensor:
        if name.removeprefix("random.") not in TENSOR_CREATORS:
            return NOT_ARRAY
        shape = args[0] if args else kwargs.get("shape", kwargs.get("dims"))
        dtype: Any = "float32"
    else:
        if name not in CREATORS:
            return NOT_ARRAY
        position, keyword, spread, dtype = CREATORS[name]
        shape = tuple(args) if spread else args[position] if len(args) > position else kwargs.get(keyword)
    if arguments.opaque:
        return Unknown(f"{name}() with unknown arguments")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, list):
        shape = tuple(shape)
    if not isinstance(shape, tuple) or not all((is_int(d) and d >= 0) or is_unknown(d) for d in shape):
        return Unknown(f"{name}() of an unknown shape")  # a size kerascheck does not know stays unknown
    if "dtype" in kwargs:
        dtype = dtype_of(kwargs["dtype"])
    return Array(shape, dtype, tensor=tensor)


def arange(arguments: Arguments, tensor: bool) -> Any:
    """``np.arange(n)``, ``tf.range(start, limit, delta)``, ``keras.ops.arange(start, stop, step)``
    of integers: a 1-D array (or ``tensor``) of their length, of the integer dtype given
    (NumPy's int64, the tensors' int32 by default); of other bounds, unknown."""
    args, kwargs = list(arguments.positional), dict(arguments.keywords)
    dtype: Any = "int32" if tensor else "int64"
    bounds: list[Any] = []
    for names in RANGE_KEYWORDS:
        given = [kwargs.pop(n) for n in names if n in kwargs]
        bounds.append(args.pop(0) if args else given[0] if given else None)
    if "dtype" in kwargs:
        dtype = dtype_of(kwargs.pop("dtype"))
    kwargs.pop("name", None)  # TensorFlow's op name
    start, stop, step = bounds
    if stop is None:  # arange(n): n is the end
        start, stop = 0, start
    step = 1 if step is None else step
    if arguments.opaque or args or kwargs or not all(is_int(b) for b in (start, stop, step)) or step == 0:
        return Unknown("a range of bounds kerascheck does not know")
    if not isinstance(dtype, str) or dtype not in INTEGER_BITS:
        return Unknown("a range of a dtype kerascheck does not follow")
    length = range_length(range(start, stop, step))
    if length >= 2**63:
        return Unknown("a range longer than NumPy makes")
    return Array((length,), dtype, tensor=tensor)


# ------------------------------------------------------ values of known items
class Float64(float):
    """An element of a NumPy float array: its value and ``str`` are a float's; its
    ``repr`` (``np.float64(0.5)`` in NumPy 2) is left unknown."""

    def __repr__(self) -> str:
        raise TypeError("the repr of a NumPy float")


class Vector:
    """A 1-D NumPy float array of known values (``np.linspace``).  It iterates and
    has a length; its arithmetic, comparisons, truth and text are NumPy's, and
    left unknown (``__str__``/``__format__``/``__eq__`` refuse)."""

    __slots__ = ("items",)

    def __init__(self, items: list[float]) -> None:
        self.items = tuple(Float64(v) for v in items)

    def __iter__(self) -> Iterator[Float64]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __eq__(self, other: object) -> bool:
        raise TypeError("comparison of a NumPy array")

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        raise TypeError("the text of a NumPy array")

    def __format__(self, spec: str) -> str:
        raise TypeError("the text of a NumPy array")

    def __repr__(self) -> str:
        return f"Vector({len(self.items)} values)"


def linspace(start: Any, stop: Any, num: Any = 50, endpoint: Any = True) -> Any:
    """``numpy.linspace`` on two numbers, computed as NumPy does (float64)."""
    numbers = (start, stop)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        return Unknown("numpy.linspace() of values that are not numbers")
    if not isinstance(num, int) or isinstance(num, bool) or not 0 <= num <= MAX_SIZE or not isinstance(endpoint, bool):
        return Unknown("numpy.linspace() with these arguments")
    start, stop = float(start), float(stop)
    div = num - 1 if endpoint else num
    delta = stop - start
    if div > 0:
        step = delta / div
        values = [i / div * delta if step == 0 else i * step for i in range(num)]
    else:
        values = [i * delta for i in range(num)]
    values = [v + start for v in values]
    if endpoint and num > 1:
        values[-1] = stop
    return Vector(values)
