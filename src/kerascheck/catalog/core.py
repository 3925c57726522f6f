"""Core layers: Dense, Activation, Embedding, Masking, Lambda."""

from __future__ import annotations

from typing import Any

from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Mask, Role, Shape, ShapeTree, Weight
from kerascheck.catalog.base import KERNEL_KEYWORDS, format_shape, known
from kerascheck.unknown import Unknown, is_unknown

KERAS1_REGULARIZERS = ("init", "W_regularizer", "b_regularizer", "W_constraint", "b_constraint")


class Dense(LayerType):
    name = "Dense"
    positional = ("units", "activation", "use_bias")
    keywords = (*KERNEL_KEYWORDS, "lora_rank", "lora_alpha", "quantization_config")
    defaults = {"activation": None, "use_bias": True}
    legacy_kwargs = {"output_dim": "units", "bias": "use_bias"}
    ignored_legacy_kwargs = KERAS1_REGULARIZERS
    roles = Role.PER_POSITION | Role.READS_FEATURES
    mask = Mask.PASSED
    config_attributes = ("units", "use_bias")

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        units = cfg.get("units")
        if not is_unknown(units) and (not isinstance(units, int) or isinstance(units, bool) or units <= 0):
            raise Invalid(f"Dense: units must be a positive integer, got {units!r}", code="KC105")
        if len(shape) < 2:
            raise Invalid(f"Dense expects an input of rank ≥ 2, got {format_shape(shape)}", code="KC103")
        units = cfg.get("units")
        if is_unknown(units):
            units = Unknown("units")
        return (*shape[:-1], units)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        units = known(cfg["units"], "units")
        fan_in = known(call.inputs[-1], "the input's last dimension")
        if fan_in is None:
            raise Invalid("Dense needs a defined last input dimension, got None", code="KC103")
        weights = [Weight("kernel", (fan_in, units))]
        if known(cfg["use_bias"], "use_bias"):
            weights.append(Weight("bias", (units,)))
            ex.add(f"Dense: {fan_in} inputs × {units} units + {units} biases = {fan_in * units + units:,}")
        else:
            ex.add(f"Dense: {fan_in} inputs × {units} units (no bias) = {fan_in * units:,}")
        return weights


class Activation(LayerType):
    name = "Activation"
    built_at_init = True
    positional = ("activation",)
    roles = Role.ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.BEFORE_DROPOUT | Role.BEFORE_GATE
    mask = Mask.PASSED


class Identity(LayerType):
    name = "Identity"
    built_at_init = True
    roles = Role.KEEPS_ACTIVATION | Role.PER_POSITION | Role.KEEPS_LAYOUT | Role.STAYS_AFFINE
    mask = Mask.PASSED
    spec_ignores_shape = True


class Masking(LayerType):
    name = "Masking"
    built_at_init = True
    positional = ("mask_value",)
    mask = Mask.MASK_VALUE


class Embedding(LayerType):
    name = "Embedding"
    positional = ("input_dim", "output_dim")
    keywords = (
        "embeddings_initializer",
        "embeddings_regularizer",
        "embeddings_constraint",
        "mask_zero",
        "weights",
        "lora_rank",
        "lora_alpha",
        "quantization_config",
        "input_length",  # Keras 3 ignores it
    )
    ignored_legacy_kwargs = ("init", "W_regularizer", "W_constraint", "dropout")
    mask = Mask.NONZERO
    config_attributes = ("input_dim", "output_dim")

    def declared_input_shape(self, cfg: dict[str, Any]) -> Shape | None | Unknown:
        # Keras 1/2 defined the input through input_length; Keras 3 ignores it,
        # but the intent of the code is a (batch, input_length) input.
        if "batch_input_shape" in cfg or "input_shape" in cfg:
            return super().declared_input_shape(cfg)
        if "input_length" in cfg:
            return (cfg.get("batch_size"), cfg["input_length"])
        return None

    def keras2_input_shape(self, cfg: dict[str, Any]) -> Shape | None:
        # Keras 1/2's Embedding declared (batch, None) without input_length
        return (cfg.get("batch_size"), None)

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        for key in ("input_dim", "output_dim"):  # checked by Keras's constructor
            size = cfg.get(key)
            if not is_unknown(size) and (not isinstance(size, int) or isinstance(size, bool) or size <= 0):
                raise Invalid(f"Embedding: {key} must be a positive integer, got {size!r}", code="KC105")
        output_dim = cfg.get("output_dim")
        return (*call.inputs, Unknown("output_dim") if is_unknown(output_dim) else output_dim)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        vocab = known(cfg["input_dim"], "input_dim")
        dim = known(cfg["output_dim"], "output_dim")
        ex.add(f"Embedding: {vocab} tokens × {dim} dimensions = {vocab * dim:,}")
        return [Weight("embeddings", (vocab, dim))]


class Lambda(LayerType):
    """A Lambda's output is unknown unless the interpreter recognises its body."""

    name = "Lambda"
    positional = ("function", "output_shape", "mask", "arguments")
    mask = Mask.GIVEN
    takes_mask = True
    subclass_interpreted = False  # its output comes from tracing call()
    traced_function = "function"

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        declared = cfg.get("output_shape")
        if isinstance(declared, (tuple, list)) and not any(isinstance(d, (tuple, list)) for d in declared):
            first = call.inputs
            while isinstance(first, list):
                first = first[0]
            return (first[0], *declared)  # Keras prepends the batch dimension
        if cfg.get("_declared_shape") is not None:  # output_shape=function, run by the interpreter
            return cfg["_declared_shape"](call.inputs)
        transform = cfg.get("_shape_transform")  # set by the interpreter
        if declared is None and transform is not None:
            return transform(call.inputs)
        return Unknown("the Lambda's function is not understood")


LAYERS = (Dense, Activation, Identity, Masking, Embedding, Lambda)
