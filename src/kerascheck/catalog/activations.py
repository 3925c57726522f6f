"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

All keep their input's shape; only PReLU has weights.  So do the
``keras.activations`` functions but glu (``ELEMENTWISE_FUNCTIONS``).  Keras 3 has no
ThresholdedReLU (use ``ReLU(threshold=...)``), so it is not modelled.
"""

from __future__ import annotations

import math
from typing import Any

from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Mask, Role, ShapeTree, Weight
from kerascheck.catalog.base import format_shape, known
from kerascheck.unknown import is_unknown


def check_non_negative(cfg: dict[str, Any], key: str, layer: str, allow_none: bool = False) -> None:
    """Raise ``Invalid`` for a known negative (or, unless allowed, None) argument."""
    value = cfg.get(key)
    if is_unknown(value) or isinstance(value, bool) or (value is None and allow_none):
        return
    if value is None or (isinstance(value, (int, float)) and value < 0):
        raise Invalid(f"{layer}: {key} must be a non-negative number, got {value}")


class ReLU(LayerType):
    name = "ReLU"
    built_at_init = True
    positional = ("max_value", "negative_slope", "threshold")
    defaults = {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}
    roles = Role.ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.BEFORE_DROPOUT
    activation = "relu"
    mask = Mask.PASSED

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        check_non_negative(cfg, "max_value", self.name, allow_none=True)
        check_non_negative(cfg, "negative_slope", self.name)
        check_non_negative(cfg, "threshold", self.name)
        return call.inputs


class LeakyReLU(LayerType):
    name = "LeakyReLU"
    built_at_init = True
    positional = ("negative_slope",)
    defaults = {"negative_slope": 0.3}
    legacy_kwargs = {"alpha": "negative_slope"}
    deprecated_kwargs = ("alpha",)
    roles = Role.ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.BEFORE_DROPOUT
    activation = "leaky_relu"
    mask = Mask.PASSED

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        check_non_negative(cfg, "negative_slope", self.name)
        return call.inputs


class PReLU(LayerType):
    """One learned slope per input element, shared (size 1) along ``shared_axes``."""

    name = "PReLU"
    positional = ("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes")
    defaults = {"shared_axes": None}
    legacy_kwargs = {"init": "alpha_initializer"}
    roles = Role.ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.BEFORE_DROPOUT
    activation = "prelu"
    mask = Mask.PASSED

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        shape = call.inputs
        shared = known(cfg["shared_axes"], "shared_axes")
        shared = [] if shared is None else list(shared) if isinstance(shared, (tuple, list)) else [shared]
        alpha: list = list(shape[1:])
        for axis in shared:
            if not -len(alpha) <= axis - 1 < len(alpha):
                raise Invalid(f"PReLU: shared axis {axis} is outside input {format_shape(shape)}", code="KC103")
            alpha[axis - 1] = 1  # Keras indexes input_shape[1:] with axis − 1, negatives included
        alpha = known(alpha, "the input shape")
        if None in alpha:
            raise Invalid(
                f"PReLU needs defined dimensions for its alpha weight, got {format_shape(tuple(alpha))} "
                f"from input {format_shape(shape)}; share the undefined axes with shared_axes",
                code="KC105",
            )
        ex.add(f"PReLU: alpha of shape {format_shape(tuple(alpha))} = {math.prod(alpha):,}")
        return [Weight("alpha", tuple(alpha))]


class ELU(LayerType):
    name = "ELU"
    built_at_init = True
    positional = ("alpha",)
    defaults = {"alpha": 1.0}
    roles = Role.ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.BEFORE_DROPOUT
    activation = "elu"
    mask = Mask.PASSED


class Softmax(LayerType):
    name = "Softmax"
    built_at_init = True
    positional = ("axis",)
    defaults = {"axis": -1}
    roles = Role.ACTIVATION | Role.KEEPS_LAYOUT
    activation = "softmax"
    activation_axis = "axis"
    mask = Mask.PASSED
    takes_mask = True


LAYERS = (ReLU, LeakyReLU, PReLU, ELU, Softmax)
#: the ``keras.activations`` functions that keep their input's shape (all but glu)
ELEMENTWISE_FUNCTIONS = frozenset({
    "celu", "elu", "exponential", "gelu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
})
