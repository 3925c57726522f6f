"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
RMSNormalization and UnitNormalization.

All keep their input's shape.  Their weights are vectors over the normalised
axes: gamma (scale) and beta (center), plus BatchNormalization's
non-trainable moving statistics.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Sequence

from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Mask, Role, Shape, ShapeTree, Weight
from kerascheck.catalog.base import format_shape, known
from kerascheck.catalog.convolutional import check_positive
from kerascheck.unknown import contains_unknown, is_unknown


def axis_list(value: Any, layer: str) -> list[int]:
    """An ``axis`` argument (int or list of ints) as a list."""
    value = known(value, "axis")
    axes = list(value) if isinstance(value, (tuple, list)) else [value]
    if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
        raise Invalid(f"{layer}: axis must be an int or a list of ints, got {value!r}")
    return axes


def check_axes(shape: Shape, axes: Sequence[int], layer: str) -> None:
    """Raise ``Invalid`` (KC103) for an axis outside the input, as Keras does."""
    for axis in axes:
        if not -len(shape) <= axis < len(shape):
            raise Invalid(f"{layer}: axis {axis} is out of bounds for input {format_shape(shape)}", code="KC103")


def axis_dims(shape: Shape, axes: Sequence[int], layer: str) -> tuple[int, ...]:
    """The known, defined sizes of ``shape`` along ``axes`` (the shape of gamma/beta)."""
    check_axes(shape, axes, layer)
    dims = known(tuple(shape[a] for a in axes), "the normalised axes of the input")
    if None in dims:
        raise Invalid(
            f"{layer} needs defined dimensions on axis {list(axes)}, got input {format_shape(shape)}", code="KC103"
        )
    return dims


def gamma_beta(
    layer: str, dims: tuple[int, ...], scale: bool, center: bool, ex: Explain, what: str = "features"
) -> list[Weight]:
    """The trainable gamma and beta weights (when enabled) and their derivation."""
    weights = [Weight(n, dims) for n, on in (("gamma", scale), ("beta", center)) if on]
    size = math.prod(dims)
    if weights:
        names = "/".join(w.name for w in weights)
        ex.add(f"{layer}: {len(weights)} × {size:,} {what} = {len(weights) * size:,} ({names})")
    return weights


#: the initializers, regularizers and constraints of gamma and beta
GAMMA_BETA_KEYWORDS = (
    "beta_initializer",
    "gamma_initializer",
    "beta_regularizer",
    "gamma_regularizer",
    "beta_constraint",
    "gamma_constraint",
)


class AxisNormalization(LayerType):
    """Layers whose shape check is only that ``axis`` lies inside the input."""

    positional: ClassVar[tuple[str, ...]] = ("axis",)
    defaults = {"axis": -1}
    roles = Role.KEEPS_LAYOUT

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        if not contains_unknown(cfg["axis"]):  # the shape is kept whatever the axis
            check_axes(call.inputs, axis_list(cfg["axis"], self.name), self.name)
        return call.inputs


class BatchNormalization(AxisNormalization):
    """gamma, beta and non-trainable moving mean/variance over one channel axis.

    Keras 1's ``BatchNormalization(epsilon, mode, axis, momentum)`` positional
    order is recognised by a float first argument; ``mode`` does not change
    the weights.  ``renorm=True`` adds three more non-trainable vectors.
    """

    name = "BatchNormalization"
    positional = ("axis", "momentum", "epsilon", "center", "scale")
    keywords = (
        *GAMMA_BETA_KEYWORDS,
        "moving_mean_initializer",
        "moving_variance_initializer",
        "renorm",
        "renorm_clipping",
        "renorm_momentum",
        "synchronized",
    )
    defaults = {"axis": -1, "center": True, "scale": True, "renorm": False}
    ignored_legacy_kwargs = ("mode", "beta_init", "gamma_init", "fused", "virtual_batch_size", "adjustment")
    roles = Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.BEFORE_DROPOUT
    mask = Mask.PASSED
    takes_mask = True

    def legacy_args(self, args: list, kwargs: dict, called_as: str) -> tuple[list, dict]:
        if args and isinstance(args[0], float):
            kwargs.update(zip(("epsilon", "mode", "axis", "momentum"), args))
            args = []
        kwargs.pop("mode", None)
        return args, kwargs

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        axis = cfg["axis"]
        if not is_unknown(axis) and (isinstance(axis, bool) or not isinstance(axis, int)):
            raise Invalid(f"BatchNormalization: Keras 3 takes a single int axis, got {axis!r}")
        return super().output_shape(cfg, call, ex)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        axis = known(cfg["axis"], "axis")
        (channels,) = axis_dims(call.inputs, [axis], self.name)
        dims = (channels,)
        scale, center = known(cfg["scale"], "scale"), known(cfg["center"], "center")
        trainable = [Weight(n, dims) for n, on in (("gamma", scale), ("beta", center)) if on]
        moving = [Weight(n, dims, trainable=False) for n in ("moving_mean", "moving_variance")]
        if known(cfg["renorm"], "renorm"):
            moving += [Weight(n, dims, trainable=False) for n in ("moving_stddev", "renorm_mean", "renorm_stddev")]
        parts = []
        if trainable:
            parts.append(f"{len(trainable) * channels:,} trainable {'/'.join(w.name for w in trainable)}")
        statistics = "moving mean/variance" + (", renorm statistics" if len(moving) > 2 else "")
        parts.append(f"{len(moving) * channels:,} non-trainable {statistics}")
        count = len(trainable) + len(moving)
        ex.add(f"BatchNormalization: {count} × {channels:,} channels = {count * channels:,} ({', '.join(parts)})")
        return trainable + moving


class LayerNormalization(AxisNormalization):
    """gamma and beta over the normalised axes.

    The deprecated ``rms_scaling=True`` keeps gamma (even with ``scale=False``)
    and drops beta.
    """

    name = "LayerNormalization"
    positional = ("axis", "epsilon", "center", "scale")
    keywords = (*GAMMA_BETA_KEYWORDS, "rms_scaling")
    defaults = {"axis": -1, "center": True, "scale": True, "rms_scaling": False}
    roles = Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.BEFORE_DROPOUT
    mask = Mask.PASSED

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        axes = sorted(axis_list(cfg["axis"], self.name))
        rms = known(cfg["rms_scaling"], "rms_scaling")
        scale = known(cfg["scale"], "scale") or rms
        center = known(cfg["center"], "center") and not rms
        if not (scale or center):  # no weight: the normalised sizes do not matter
            check_axes(call.inputs, axes, self.name)
            return []
        return gamma_beta(self.name, axis_dims(call.inputs, axes, self.name), scale, center, ex)


class RMSNormalization(AxisNormalization):
    """One trainable scale vector over the normalised axes."""

    name = "RMSNormalization"
    positional = ("axis", "epsilon")

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        dims = axis_dims(call.inputs, sorted(axis_list(cfg["axis"], self.name)), self.name)
        ex.add(f"RMSNormalization: scale of {math.prod(dims):,} features")
        return [Weight("scale", dims)]


class GroupNormalization(AxisNormalization):
    """gamma and beta over the channel axis, which ``groups`` must divide (-1: one group per channel)."""

    name = "GroupNormalization"
    positional = ("groups", "axis", "epsilon", "center", "scale")
    keywords = GAMMA_BETA_KEYWORDS
    defaults = {"groups": 32, "axis": -1, "center": True, "scale": True}
    mask = Mask.PASSED

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        groups = cfg["groups"]
        if not is_unknown(groups) and groups != -1:
            check_positive((groups,), "groups (or -1)", self.name)
        return super().output_shape(cfg, call, ex)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        (channels,) = axis_dims(call.inputs, [known(cfg["axis"], "axis")], self.name)
        groups = known(cfg["groups"], "groups")
        groups = channels if groups == -1 else groups
        if channels < groups or channels % groups:
            raise Invalid(f"GroupNormalization: {groups} groups do not divide the {channels} channels")
        return gamma_beta(
            self.name, (channels,), known(cfg["scale"], "scale"), known(cfg["center"], "center"), ex, "channels"
        )


class UnitNormalization(AxisNormalization):
    name = "UnitNormalization"
    built_at_init = True
    mask = Mask.PASSED


LAYERS = (BatchNormalization, LayerNormalization, RMSNormalization, GroupNormalization, UnitNormalization)
