"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

They are called on a list of tensors (``call.inputs`` is a list of shapes)
and have no weights.  Keras 1's ``merge([a, b], mode=...)`` function and
``Merge`` layer map onto these classes through ``legacy_merge_layer``.
"""

from __future__ import annotations

from typing import Any

from kerascheck.catalog.base import Call, Dim, Explain, Invalid, LayerType, Mask, Role, Shape, ShapeTree
from kerascheck.catalog.base import format_shape, known
from kerascheck.unknown import Unknown, is_unknown

#: Keras 1 merge modes → Keras 3 layer classes
LEGACY_MODES = {
    "sum": "Add",
    "mul": "Multiply",
    "ave": "Average",
    "max": "Maximum",
    "concat": "Concatenate",
    "dot": "Dot",
    "cos": "Dot",
}


def legacy_merge_layer(mode: str, kwargs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The Keras 3 layer equivalent to Keras 1's ``merge(..., mode=mode, **kwargs)``.

    Returns the class name and its constructor keywords (``concat_axis`` →
    ``axis``, ``dot_axes`` → ``axes``, ``cos`` → ``normalize=True``), or
    ``(None, {})`` for a mode that is not modelled (a callable, a typo).
    """
    class_name = LEGACY_MODES.get(mode)
    if class_name is None:
        return None, {}
    changes = {"name": kwargs["name"]} if "name" in kwargs else {}
    if class_name == "Concatenate":
        changes["axis"] = kwargs.get("concat_axis", -1)
    elif class_name == "Dot":
        changes["axes"] = kwargs.get("dot_axes", -1)
        changes["normalize"] = mode == "cos"
    return class_name, changes


def input_list(call: Call, layer: str, count: int | None = None) -> list[Shape]:
    """The list of input shapes; ``Invalid`` (KC102) for a single tensor or a wrong count."""
    shapes = call.inputs
    if not isinstance(shapes, list) or not shapes:
        raise Invalid(f"{layer} must be called on a list of tensors, got {format_shape(shapes)}", code="KC102")
    if count is not None and len(shapes) != count:
        raise Invalid(f"{layer} must be called on exactly {count} tensors, got {len(shapes)}", code="KC102")
    return shapes


def merged_batch(shapes: list[Shape], layer: str) -> Dim:
    """The batch size of merged tensors: the one known size, else None."""
    sizes = {s[0] for s in shapes if isinstance(s[0], int)}
    if len(sizes) > 1:
        shown = ", ".join(format_shape(s) for s in shapes)
        raise Invalid(f"{layer} cannot merge tensors with different batch sizes: {shown}", code="KC102")
    if any(is_unknown(s[0]) for s in shapes):
        return Unknown("batch size")
    return sizes.pop() if sizes else None


def broadcast_dim(a: Dim, b: Dim, shapes: list[Shape], layer: str) -> Dim:
    """One axis of Keras's merge broadcasting: None wins, then 1 stretches."""
    if a is None or b is None:
        return None
    if is_unknown(a) or is_unknown(b):
        other = b if is_unknown(a) else a
        return other if not is_unknown(other) and other != 1 else Unknown()
    if a == 1 or b == 1 or a == b:
        return b if a == 1 else a
    shown = ", ".join(format_shape(s) for s in shapes)
    raise Invalid(f"{layer}: inputs {shown} cannot be broadcast together ({a} vs {b})", code="KC102")


class Elementwise(LayerType):
    """Add, Multiply, Average, Maximum, Minimum: broadcast the non-batch axes, right-aligned."""

    #: how many inputs the layer takes, when fixed
    arity: int | None = None
    mask = Mask.MERGED

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shapes = input_list(call, self.name, self.arity)
        batch = merged_batch(shapes, self.name)
        out = tuple(shapes[0][1:])
        for shape in shapes[1:]:
            rest = tuple(shape[1:])
            longer, shorter = (out, rest) if len(out) >= len(rest) else (rest, out)
            lead = longer[: len(longer) - len(shorter)]
            pairs = zip(longer[len(lead):], shorter)
            out = lead + tuple(broadcast_dim(a, b, shapes, self.name) for a, b in pairs)
        return (batch, *out)


class Add(Elementwise):
    name = "Add"


class Subtract(Elementwise):
    name = "Subtract"
    arity = 2


class Multiply(Elementwise):
    name = "Multiply"
    roles = Role.GATES


class Average(Elementwise):
    name = "Average"


class Maximum(Elementwise):
    name = "Maximum"


class Minimum(Elementwise):
    name = "Minimum"


class Concatenate(LayerType):
    """Join along ``axis``; every other axis must agree (None agrees with anything)."""

    name = "Concatenate"
    positional = ("axis",)
    defaults = {"axis": -1}
    mask = Mask.CONCATENATED

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shapes = input_list(call, self.name)
        axis = known(cfg["axis"], "axis")
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise Invalid(f"Concatenate: axis must be an int, got {axis!r}")
        for shape in shapes:
            if not -len(shape) <= axis < len(shape):
                raise Invalid(f"Concatenate: axis {axis} is outside input {format_shape(shape)}")
        self.check_others(shapes, axis)
        out = list(shapes[0])
        lengths = [s[axis] for s in shapes]
        if any(d is None for d in lengths):
            out[axis] = None
        elif any(is_unknown(d) for d in lengths):
            out[axis] = Unknown()
        else:
            out[axis] = sum(lengths)
            ex.add(f"Concatenate: axis {axis} = {' + '.join(str(d) for d in lengths)} = {out[axis]}")
        return tuple(out)

    def check_others(self, shapes: list[Shape], axis: int) -> None:
        """Raise KC102 unless the inputs agree on every axis but ``axis``."""
        rests = [tuple(d for i, d in enumerate(s) if i != axis % len(s)) for s in shapes]
        if len({len(r) for r in rests}) == 1 and all(
            len({d for d in column if isinstance(d, int)}) <= 1 for column in zip(*rests)
        ):
            return
        shown = ", ".join(format_shape(s) for s in shapes)
        raise Invalid(
            f"Concatenate on axis {axis} needs inputs that match on every other axis, got {shown}", code="KC102"
        )


class Dot(LayerType):
    """Batch-wise dot product of two tensors over ``axes``, optionally of unit vectors (cosine)."""

    name = "Dot"
    positional = ("axes", "normalize")
    defaults = {"normalize": False}

    def axes(self, cfg: dict[str, Any], first: Shape, second: Shape) -> tuple[int, int]:
        axes = known(cfg.get("axes"), "axes")
        if isinstance(axes, int) and not isinstance(axes, bool):
            return (axes % len(first), axes % len(second)) if axes < 0 else (axes, axes)
        if isinstance(axes, (tuple, list)) and len(axes) == 2 and all(isinstance(a, int) for a in axes):
            return axes[0], axes[1]
        raise Invalid(f"Dot: axes must be an int or a list of two ints, got {axes!r}")

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        first, second = input_list(call, self.name, 2)
        a, b = self.axes(cfg, first, second)
        for axis, shape in ((a, first), (b, second)):
            if not -len(shape) <= axis < len(shape):
                raise Invalid(f"Dot: axis {axis} is outside input {format_shape(shape)}", code="KC103")
        da, db = first[a], second[b]
        if not is_unknown(da) and not is_unknown(db) and da != db:
            raise Invalid(
                f"Dot: axis {a} of {format_shape(first)} ({da}) does not match "
                f"axis {b} of {format_shape(second)} ({db})",
                code="KC102",
            )
        left = [d for i, d in enumerate(first) if i != a % len(first)]
        right = [d for i, d in enumerate(second) if i != b % len(second)][1:]
        out = left + right
        return tuple(out + [1] if len(out) == 1 else out)


LAYERS = (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot)
