"""Pooling layers: Max/AveragePooling1D/2D/3D and their global forms."""

from __future__ import annotations

from typing import Any, ClassVar

from kerascheck.catalog.base import spatial_name, Call, Explain, Invalid, LayerType, ShapeTree, as_tuple
from kerascheck.catalog.base import channels_axis, check_rank, conv_output_length, known
from kerascheck.catalog.convolutional import check_positive, legacy_data_format, spatial_axes


class Pooling(LayerType):
    """A sliding max or average window; ``strides`` defaults to ``pool_size``."""

    rank: ClassVar[int] = 2
    positional = ("pool_size", "strides", "padding", "data_format")
    keywords = ("name",)
    converted_legacy_kwargs = ("dim_ordering",)
    built_at_init = True
    defaults = {"strides": None, "padding": "valid", "data_format": None}
    legacy_kwargs = {"pool_length": "pool_size", "stride": "strides", "border_mode": "padding"}

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        return legacy_data_format(cfg)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        check_rank(shape, self.rank + 2, self.name)
        n = self.rank
        pool = as_tuple(cfg["pool_size"], n, "pool_size")
        strides = pool if cfg["strides"] is None else as_tuple(cfg["strides"], n, "strides")
        check_positive(pool, "pool_size", self.name)
        check_positive(strides, "strides", self.name)
        # Keras 3 does not lower-case a pooling layer's padding, unlike a convolution's.
        padding = known(cfg["padding"], "padding")
        if padding not in ("valid", "same"):
            raise Invalid(f"{self.name}: padding must be 'valid' or 'same', got {padding!r}")
        out = list(shape)
        for i, axis in enumerate(spatial_axes(cfg, len(shape))):
            out[axis] = conv_output_length(shape[axis], pool[i], padding, strides[i], ex=ex, axis=spatial_name(i, n))
        return tuple(out)


class MaxPooling(Pooling):
    defaults = {**Pooling.defaults, "pool_size": 2}


class MaxPooling1D(MaxPooling):
    name = "MaxPooling1D"
    aliases = ("MaxPool1D",)
    rank = 1


class MaxPooling2D(MaxPooling):
    name = "MaxPooling2D"
    aliases = ("MaxPool2D",)
    rank = 2


class MaxPooling3D(MaxPooling):
    name = "MaxPooling3D"
    aliases = ("MaxPool3D",)
    rank = 3


class AveragePooling(Pooling):
    """Keras 3 requires ``pool_size``; Keras 1/2 defaulted it to 2."""

    legacy_defaults = {"pool_size": 2}


class AveragePooling1D(AveragePooling):
    name = "AveragePooling1D"
    aliases = ("AvgPool1D",)
    rank = 1


class AveragePooling2D(AveragePooling):
    name = "AveragePooling2D"
    aliases = ("AvgPool2D",)
    rank = 2


class AveragePooling3D(AveragePooling):
    name = "AveragePooling3D"
    aliases = ("AvgPool3D",)
    rank = 3


class GlobalPooling(LayerType):
    """Reduce all spatial axes to one value per channel (size 1 with ``keepdims``)."""

    rank: ClassVar[int] = 2
    positional = ("data_format", "keepdims")
    converted_legacy_kwargs = ("dim_ordering",)
    built_at_init = True
    defaults = {"data_format": None, "keepdims": False}

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        return legacy_data_format(cfg)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        check_rank(shape, self.rank + 2, self.name)
        channel = channels_axis(cfg, len(shape))
        if known(cfg["keepdims"], "keepdims"):
            return tuple(d if i in (0, channel) else 1 for i, d in enumerate(shape))
        return (shape[0], shape[channel])


class GlobalMaxPooling1D(GlobalPooling):
    name = "GlobalMaxPooling1D"
    aliases = ("GlobalMaxPool1D",)
    rank = 1


class GlobalMaxPooling2D(GlobalPooling):
    name = "GlobalMaxPooling2D"
    aliases = ("GlobalMaxPool2D",)
    rank = 2


class GlobalMaxPooling3D(GlobalPooling):
    name = "GlobalMaxPooling3D"
    aliases = ("GlobalMaxPool3D",)
    rank = 3


class GlobalAveragePooling1D(GlobalPooling):
    name = "GlobalAveragePooling1D"
    aliases = ("GlobalAvgPool1D",)
    rank = 1
    takes_mask = True


class GlobalAveragePooling2D(GlobalPooling):
    name = "GlobalAveragePooling2D"
    aliases = ("GlobalAvgPool2D",)
    rank = 2


class GlobalAveragePooling3D(GlobalPooling):
    name = "GlobalAveragePooling3D"
    aliases = ("GlobalAvgPool3D",)
    rank = 3


LAYERS = (
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
)
