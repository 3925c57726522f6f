"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, padding, cropping, up-sampling."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from kerascheck.catalog.base import Call, Dim, Explain, Invalid, LayerType, Role, ShapeTree, as_tuple
from kerascheck.catalog.base import check_rank, format_shape, known
from kerascheck.catalog.convolutional import check_positive, legacy_data_format, spatial_axes
from kerascheck.unknown import Unknown, is_unknown


def product_text(dims: tuple) -> str:
    return " × ".join(str(d) for d in dims)


class Flatten(LayerType):
    """``(batch, *dims)`` → ``(batch, prod(dims))``; ``data_format`` only reorders."""

    name = "Flatten"
    positional = ("data_format",)
    converted_legacy_kwargs = ("dim_ordering",)
    defaults = {"data_format": None}
    roles = Role.KEEPS_ACTIVATION | Role.REARRANGES
    traced_to_build = True

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        return legacy_data_format(cfg)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        dims = shape[1:]
        if None in dims:  # Keras's dynamic size, whatever the unknown ones are
            return (shape[0], None)
        if any(is_unknown(d) for d in dims):
            return (shape[0], Unknown("a flattened dimension"))
        size = math.prod(dims)
        if len(dims) > 1:
            ex.add(f"Flatten: {product_text(dims)} = {size:,}")
        return (shape[0], size)


class Reshape(LayerType):
    """``target_shape`` excludes the batch axis and may hold one ``-1``."""

    name = "Reshape"
    built_at_init = True
    positional = ("target_shape",)
    roles = Role.KEEPS_ACTIVATION | Role.REARRANGES | Role.BUILDS_SEQUENCES | Role.BEFORE_GATE
    built_in_init = True

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        target = cfg.get("target_shape")
        if not isinstance(target, (tuple, list)):
            known(target, "target_shape")
            raise Invalid(f"Reshape: target_shape must be a tuple, got {target!r}", code="KC105")
        target = tuple(target)
        if any(isinstance(d, int) and d < -1 for d in target) or target.count(-1) > 1:
            raise Invalid(f"Reshape: target_shape {target} may hold non-negative sizes and one -1 only", code="KC105")
        dims = shape[1:]
        if None in dims or None in target:
            return (shape[0], *(None if d == -1 else d for d in target))
        if any(is_unknown(d) for d in (*dims, *target)):
            return (shape[0], *(Unknown("the inferred -1 size") if d == -1 else d for d in target))
        size = math.prod(dims)
        if -1 not in target:
            if math.prod(target) != size:
                raise Invalid(
                    f"Reshape: cannot reshape {format_shape(dims)} ({size:,} values) into "
                    f"{format_shape(target)} ({math.prod(target):,} values)",
                    code="KC104",
                )
            return (shape[0], *target)
        rest = math.prod(d for d in target if d != -1)
        if rest == 0 or size % rest:
            raise Invalid(
                f"Reshape: {format_shape(dims)} ({size:,} values) is not divisible into "
                f"{format_shape(target)} (the known sizes make {rest:,})",
                code="KC104",
            )
        ex.add(f"Reshape: -1 = {size:,} / {rest:,} = {size // rest:,}")
        return (shape[0], *(size // rest if d == -1 else d for d in target))


class Permute(LayerType):
    """``dims`` is a permutation of ``1..rank-1`` (the batch axis stays first)."""

    name = "Permute"
    positional = ("dims",)
    roles = Role.BUILDS_SEQUENCES
    traced_to_build = True

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        dims = tuple(known(cfg.get("dims"), "dims"))
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise Invalid(f"Permute: dims {dims} must be a permutation of 1..{len(dims)}")
        check_rank(shape, len(dims) + 1, self.name)
        return (shape[0], *(shape[d] for d in dims))


class RepeatVector(LayerType):
    """``(batch, features)`` → ``(batch, n, features)``."""

    name = "RepeatVector"
    positional = ("n",)
    roles = Role.BUILDS_SEQUENCES
    traced_to_build = True

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        n = cfg.get("n")
        if not is_unknown(n):
            check_positive((n,), "n", self.name)
        check_rank(shape, 2, self.name)
        return (shape[0], Unknown("n") if is_unknown(n) else n, shape[1])


def pairs(value: Any, n: int, what: str, layer: str) -> tuple[tuple[int, int], ...]:
    """``n`` (before, after) amounts: from an int, ``n`` ints or ``n`` pairs (1D: one pair)."""
    value = known(value, what)
    result: tuple[tuple[Any, ...], ...]
    if n == 1:
        result = (as_tuple(value, 2, what),)
    elif isinstance(value, int):
        result = ((value, value),) * n
    elif isinstance(value, (tuple, list)) and len(value) == n:
        result = tuple(as_tuple(v, 2, what) for v in value)
    else:
        raise Invalid(f"{layer}: {what} must be an int, {n} ints or {n} pairs of ints, got {value!r}")
    if any(not isinstance(v, int) or v < 0 for pair in result for v in pair):
        raise Invalid(f"{layer}: {what} must be non-negative integers, got {value!r}", code="KC105")
    return result


class Spatial(LayerType):
    """A layer that changes each spatial axis of a ``rank``-D input independently."""

    rank: ClassVar[int] = 2
    has_data_format: ClassVar[bool] = True
    converted_legacy_kwargs = ("dim_ordering",)
    traced_to_build = True

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        return legacy_data_format(cfg)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        check_rank(shape, self.rank + 2, self.name)
        amounts = self.amounts(cfg)
        axes = spatial_axes(cfg, len(shape)) if self.has_data_format else [1]
        out = list(shape)
        for axis, amount in zip(axes, amounts):
            if shape[axis] is not None and not is_unknown(shape[axis]):
                out[axis] = self.resize(shape[axis], amount, axis, ex)
        return tuple(out)

    def amounts(self, cfg: dict[str, Any]) -> tuple:
        """The per-axis argument (padding pair, cropping pair, size)."""
        raise NotImplementedError

    def resize(self, length: int, amount: Any, axis: int, ex: Explain) -> Dim:
        raise NotImplementedError


class ZeroPadding(Spatial):
    positional = ("padding", "data_format")
    defaults = {"padding": 1, "data_format": None}

    def amounts(self, cfg: dict[str, Any]) -> tuple:
        return pairs(cfg["padding"], self.rank, "padding", self.name)

    def resize(self, length: int, amount: tuple[int, int], axis: int, ex: Explain) -> Dim:
        return length + amount[0] + amount[1]


class ZeroPadding1D(ZeroPadding):
    name = "ZeroPadding1D"
    rank = 1


class ZeroPadding2D(ZeroPadding):
    name = "ZeroPadding2D"
    rank = 2


class ZeroPadding3D(ZeroPadding):
    name = "ZeroPadding3D"
    rank = 3


class Cropping(Spatial):
    positional: ClassVar[tuple[str, ...]] = ("cropping", "data_format")
    defaults = {"cropping": 1, "data_format": None}

    def amounts(self, cfg: dict[str, Any]) -> tuple:
        return pairs(cfg["cropping"], self.rank, "cropping", self.name)

    def resize(self, length: int, amount: tuple[int, int], axis: int, ex: Explain) -> Dim:
        out = length - amount[0] - amount[1]
        if out <= 0:
            raise Invalid(
                f"{self.name}: cropping {amount[0]} + {amount[1]} leaves nothing of dim {axis} "
                f"(size {length}: {length} − {amount[0]} − {amount[1]} = {out})",
                code="KC101",
            )
        return out


class Cropping1D(Cropping):
    """Always crops axis 1: Keras 3's Cropping1D has no ``data_format``."""

    name = "Cropping1D"
    rank = 1
    has_data_format = False
    positional = ("cropping",)
    defaults = {"cropping": 1}


class Cropping2D(Cropping):
    name = "Cropping2D"
    rank = 2
    defaults = {"cropping": 0, "data_format": None}


class Cropping3D(Cropping):
    name = "Cropping3D"
    rank = 3


class UpSampling(Spatial):
    positional: ClassVar[tuple[str, ...]] = ("size", "data_format")
    defaults = {"size": 2, "data_format": None}

    def amounts(self, cfg: dict[str, Any]) -> tuple:
        size = as_tuple(cfg["size"], self.rank, "size")
        check_positive(size, "size", self.name)
        return size

    def resize(self, length: int, amount: int, axis: int, ex: Explain) -> Dim:
        return length * amount


class UpSampling1D(UpSampling):
    """Keras 3 takes only an int ``size`` here (Keras 1: ``length``) and no ``data_format``."""

    name = "UpSampling1D"
    rank = 1
    has_data_format = False
    positional = ("size",)
    defaults = {"size": 2}
    legacy_kwargs = {"length": "size"}

    def amounts(self, cfg: dict[str, Any]) -> tuple:
        size = known(cfg["size"], "size")
        check_positive((size,), "size (a single int)", self.name)
        return (size,)


class UpSampling2D(UpSampling):
    name = "UpSampling2D"
    rank = 2
    positional = ("size", "data_format", "interpolation")


class UpSampling3D(UpSampling):
    name = "UpSampling3D"
    rank = 3


LAYERS = (
    Flatten,
    Reshape,
    Permute,
    RepeatVector,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
    Cropping1D,
    Cropping2D,
    Cropping3D,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
)
