"""Regularization layers: dropout and noise variants, ActivityRegularization.

All keep their input's shape and create no weights; Keras only validates
the rate (and, for the spatial dropouts, the input rank).
"""

from __future__ import annotations

from typing import Any, ClassVar

from kerascheck.catalog.base import LAYER_KEYWORDS, Call, Explain, Invalid, LayerType, Mask, Role, ShapeTree, check_rank
from kerascheck.catalog.convolutional import legacy_data_format
from kerascheck.unknown import is_unknown


def check_fraction(value: Any, what: str, layer: str) -> None:
    """Raise ``Invalid`` when a known ``value`` is missing or outside [0, 1], as Keras does."""
    if is_unknown(value) or isinstance(value, bool):
        return
    if value is None:
        raise Invalid(f"{layer} requires {what}")
    if isinstance(value, (int, float)) and not 0 <= value <= 1:
        raise Invalid(f"{layer}: {what} must be between 0 and 1, got {value}")


class Dropout(LayerType):
    name = "Dropout"
    built_at_init = True
    positional: ClassVar[tuple[str, ...]] = ("rate", "noise_shape", "seed")
    legacy_kwargs = {"p": "rate"}
    roles = Role.KEEPS_ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.DROPS_UNITS | Role.STAYS_AFFINE
    mask = Mask.PASSED
    config_attributes: ClassVar[tuple[str, ...]] = ("rate",)
    #: the constructor argument Keras checks to lie in [0, 1]
    fraction: ClassVar[str] = "rate"

    def check_arguments(self, cfg: dict[str, Any]) -> None:
        check_fraction(cfg.get(self.fraction), self.fraction, self.name)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        self.check_arguments(cfg)  # again: the rate may have been set since (``layer.rate = ...``)
        return call.inputs


class SpatialDropout(Dropout):
    """Drops whole feature maps; Keras requires an input of exactly ``rank + 2`` axes."""

    rank: ClassVar[int] = 2
    positional: ClassVar[tuple[str, ...]] = ("rate", "data_format", "seed")
    keywords = ("name", "dtype")
    layer_keywords = ()  # no **kwargs: Keras 3 rejects input_shape=, trainable=...
    converted_legacy_kwargs = ("dim_ordering",)
    defaults = {"data_format": None}
    roles = (
        Role.KEEPS_ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.DROPS_FEATURE_MAPS | Role.STAYS_AFFINE
    )
    config_attributes = ()

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        return legacy_data_format(cfg)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        check_rank(call.inputs, self.rank + 2, self.name)
        return super().output_shape(cfg, call, ex)


class SpatialDropout1D(SpatialDropout):
    name = "SpatialDropout1D"
    rank = 1
    positional = ("rate", "seed")
    defaults = {}


class SpatialDropout2D(SpatialDropout):
    name = "SpatialDropout2D"
    rank = 2


class SpatialDropout3D(SpatialDropout):
    name = "SpatialDropout3D"
    rank = 3


class GaussianNoise(Dropout):
    name = "GaussianNoise"
    positional = ("stddev", "seed")
    legacy_kwargs = {"sigma": "stddev"}
    fraction = "stddev"
    roles = Role.KEEPS_ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.STAYS_AFFINE
    config_attributes = ()


class GaussianDropout(Dropout):
    name = "GaussianDropout"
    positional = ("rate", "seed")
    roles = Role.KEEPS_ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.DIVIDES_BY_KEPT | Role.STAYS_AFFINE
    config_attributes = ()


class AlphaDropout(Dropout):
    name = "AlphaDropout"
    roles = (
        Role.KEEPS_ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.DROPS_UNITS | Role.DIVIDES_BY_KEPT
        | Role.STAYS_AFFINE
    )
    config_attributes = ()


class ActivityRegularization(LayerType):
    name = "ActivityRegularization"
    built_at_init = True
    positional = ("l1", "l2")
    layer_keywords = tuple(k for k in LAYER_KEYWORDS if k != "activity_regularizer")  # it sets that one itself
    roles = Role.KEEPS_ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.STAYS_AFFINE
    mask = Mask.PASSED


LAYERS = (
    Dropout,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
    GaussianNoise,
    GaussianDropout,
    AlphaDropout,
    ActivityRegularization,
)
