"""Preprocessing layers: Rescaling, Normalization, Resizing, CenterCrop,
RandomCrop and Keras 3's shape-preserving image augmentation layers.

Only Normalization has weights (non-trainable statistics).  The image layers
place height and width by ``data_format`` the way Keras 3 does, including
its reading of a rank-3 input as one unbatched image.
"""

from __future__ import annotations

import math
from typing import Any

from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Mask, Shape, ShapeTree, Weight
from kerascheck.catalog.base import format_shape, known
from kerascheck.unknown import contains_unknown

#: Keras 3 layers that keep their input's shape and have no weights, with their
#: constructor's parameters
SHAPE_PRESERVING = {
    "Rescaling": ("scale", "offset"),
    "RandomFlip": ("mode", "seed", "data_format"),
    "RandomRotation": ("factor", "fill_mode", "interpolation", "seed", "fill_value", "data_format"),
    "RandomZoom": ("height_factor", "width_factor", "fill_mode", "interpolation", "seed", "fill_value", "data_format"),
    "RandomTranslation": ("height_factor", "width_factor", "fill_mode", "interpolation", "seed", "fill_value", "data_format"),
    "RandomContrast": ("factor", "value_range", "seed"),
    "RandomBrightness": ("factor", "value_range", "seed"),
    "RandomGrayscale": ("factor", "data_format", "seed"),
    "RandomHue": ("factor", "value_range", "data_format", "seed"),
    "RandomSaturation": ("factor", "value_range", "data_format", "seed"),
    "RandomSharpness": ("factor", "value_range", "data_format", "seed"),
    "RandomShear": ("x_factor", "y_factor", "interpolation", "fill_mode", "fill_value", "data_format", "seed"),
    "RandomPerspective": ("factor", "scale", "interpolation", "fill_value", "seed", "data_format"),
    "RandomColorJitter": ("value_range", "brightness_factor", "contrast_factor", "saturation_factor", "hue_factor", "seed", "data_format"),
    "RandomPosterization": ("factor", "value_range", "data_format", "seed"),
    "RandomInvert": ("factor", "value_range", "seed", "data_format"),
    "RandomErasing": ("factor", "scale", "fill_value", "value_range", "seed", "data_format"),
    "RandomGaussianBlur": ("factor", "kernel_size", "sigma", "value_range", "data_format", "seed"),
    "RandomElasticTransform": ("factor", "scale", "interpolation", "fill_mode", "fill_value", "value_range", "seed", "data_format"),
    "AutoContrast": ("value_range",),
    "Equalization": ("value_range", "bins", "data_format"),
    "Solarization": ("addition_factor", "threshold_factor", "value_range", "seed"),
    "AugMix": ("value_range", "num_chains", "chain_depth", "factor", "alpha", "all_ops", "interpolation", "seed", "data_format"),
    "CutMix": ("factor", "seed", "data_format"),
    "MixUp": ("alpha", "data_format", "seed"),
    "RandAugment": ("value_range", "num_ops", "factor", "interpolation", "seed", "data_format"),
}


def channels_last(cfg: dict[str, Any]) -> bool:
    return known(cfg.get("data_format") or "channels_last", "data_format") == "channels_last"


def resized(cfg: dict[str, Any], shape: Shape, layer: str, ex: Explain) -> Shape:
    """Set height and width where Resizing/CenterCrop put them: after the batch
    axis of a rank-4 input, else at the start of an unbatched image."""
    first = (1 if channels_last(cfg) else 2) if len(shape) == 4 else (0 if channels_last(cfg) else 1)
    if first + 2 > len(shape):
        raise Invalid(f"{layer} expects an image input, got {format_shape(shape)}", code="KC103")
    if len(shape) != 4:
        ex.add(f"{layer}: Keras reads a rank-{len(shape)} input as one unbatched image")
    out = list(shape)
    out[first : first + 2] = cfg.get("height"), cfg.get("width")
    return tuple(out)


class Preprocessing(LayerType):
    """A preprocessing layer: Keras runs it through its own ``__call__``
    (``DataLayer``), so kerascheck does not interpret a subclass of it."""

    subclass_interpreted = False


class Resizing(Preprocessing):
    name = "Resizing"
    positional = (
        "height",
        "width",
        "interpolation",
        "crop_to_aspect_ratio",
        "pad_to_aspect_ratio",
        "fill_mode",
        "fill_value",
        "antialias",
        "data_format",
    )

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        return resized(cfg, call.inputs, self.name, ex)


class CenterCrop(Preprocessing):
    """Like Resizing, but Keras accepts only rank 3 (unbatched) or 4 inputs."""

    name = "CenterCrop"
    positional = ("height", "width", "data_format")

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        if len(call.inputs) not in (3, 4):
            raise Invalid(f"CenterCrop expects an input of rank 3 or 4, got {format_shape(call.inputs)}", code="KC103")
        return resized(cfg, call.inputs, self.name, ex)


class RandomCrop(Preprocessing):
    """Height and width are the third and second axes from the end (channels_last)."""

    name = "RandomCrop"
    positional = ("height", "width", "seed", "data_format")
    keywords = ("name",)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        first = -3 if channels_last(cfg) else -2
        if len(shape) < -first:
            raise Invalid(f"RandomCrop expects an image input, got {format_shape(shape)}", code="KC103")
        out = list(shape)
        out[first], out[first + 1] = cfg.get("height"), cfg.get("width")
        return tuple(out)


class RandomColorDegeneration(Preprocessing):
    """Keeps the shape; Keras requires a rank 3 or 4 input with 3 channels."""

    name = "RandomColorDegeneration"
    positional = ("factor", "value_range", "data_format", "seed")

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        if len(shape) not in (3, 4):
            raise Invalid(f"{self.name} expects images of rank 3 or 4, got {format_shape(shape)}", code="KC103")
        channels = shape[-1 if channels_last(cfg) else -3]
        if isinstance(channels, int) and channels != 3:
            raise Invalid(f"{self.name} expects 3 color channels, got {channels} in {format_shape(shape)}")
        return shape


class Normalization(Preprocessing):
    """Non-trainable mean and variance over the kept ``axis`` dims, plus a count.

    With ``mean`` and ``variance`` given, Keras stores constants, not weights.
    """

    name = "Normalization"
    positional = ("axis", "mean", "variance", "invert")
    defaults = {"axis": -1, "mean": None, "variance": None}
    mask = Mask.PASSED

    def kept_axes(self, cfg: dict[str, Any], shape: Shape) -> list[int]:
        axis = known(cfg["axis"], "axis")
        axes = [] if axis is None else [axis] if isinstance(axis, int) else list(axis)
        for a in axes:
            if not -len(shape) <= a < len(shape):
                raise Invalid(f"Normalization: axis {a} is outside input {format_shape(shape)}", code="KC103")
        return sorted(a % len(shape) for a in axes)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        if (cfg["mean"] is None) != (cfg["variance"] is None):
            raise Invalid("Normalization: give both mean and variance, or neither")
        if not contains_unknown(cfg["axis"]):
            self.kept_axes(cfg, call.inputs)
        return call.inputs

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        if cfg["mean"] is not None:
            return []
        shape = call.inputs
        dims = known(tuple(shape[a] for a in self.kept_axes(cfg, shape)), "the normalised axes")
        if None in dims:
            raise Invalid(f"Normalization needs defined dimensions on its axis, got {format_shape(shape)}", "KC103")
        size = math.prod(dims)
        ex.add(f"Normalization: mean and variance of {size:,} features + 1 count = {2 * size + 1:,} (non-trainable)")
        return [Weight("mean", dims, False), Weight("variance", dims, False), Weight("count", (), False)]


#: the facts of a shape-preserving layer besides a preprocessing layer's
SHAPE_PRESERVING_FACTS: dict[str, dict[str, Any]] = {"Rescaling": {"mask": Mask.PASSED}}


def shape_preserving(name: str) -> type[LayerType]:
    """A weightless layer class whose output has its input's shape."""
    facts = {"name": name, "keywords": SHAPE_PRESERVING[name], **SHAPE_PRESERVING_FACTS.get(name, {})}
    return type(name, (Preprocessing,), {"__doc__": f"{name}: keeps its input's shape.", **facts})


LAYERS = (
    Resizing,
    CenterCrop,
    RandomCrop,
    RandomColorDegeneration,
    Normalization,
    *(shape_preserving(name) for name in SHAPE_PRESERVING),
)
