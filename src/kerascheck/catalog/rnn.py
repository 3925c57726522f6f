"""Recurrent layers: SimpleRNN, LSTM, GRU (and their cells under ``RNN``),
ConvLSTM1D/2D/3D, and the Bidirectional and TimeDistributed wrappers.

An RNN is called on ``(batch, time, features)``.  It returns its last
output, or every step's with ``return_sequences``; ``return_state`` adds the
final states (one for SimpleRNN/GRU, two for LSTM) as further outputs.
Extra call arguments do not change shapes; ``call_args`` names the
positional ones after the input (``layer(x, initial_state, mask, training)``).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Mask, Role, Shape, ShapeTree
from kerascheck.catalog.base import Unresolved, Weight, as_tuple, channels_axis, check_rank, dim_mul, format_shape, known
from kerascheck.catalog.convolutional import Conv, check_positive, input_channels, spatial_axes, window_text
from kerascheck.unknown import Unknown, is_unknown

#: Keras 1 recurrent keywords → Keras 3 ones
KERAS1_RNN_KWARGS = {
    "output_dim": "units",
    "init": "kernel_initializer",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "W_regularizer": "kernel_regularizer",
    "U_regularizer": "recurrent_regularizer",
    "b_regularizer": "bias_regularizer",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
}
KERAS1_RNN_IGNORED = ("forget_bias_init", "consume_less", "input_length", "time_major")
#: the keywords of a Keras 3 cell, and those a recurrent layer adds
CELL_KEYWORDS = (
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
)
SEQUENCE_KEYWORDS = ("activity_regularizer", "return_sequences", "return_state", "go_backwards", "stateful")
SEQUENCE_DEFAULTS = {"return_sequences": False, "return_state": False, "go_backwards": False, "stateful": False}
RNN_CALL_ARGS = ("initial_state", "mask", "training")


def sequence_output(cfg: dict[str, Any], shape: Shape, step: tuple, states: int, layer: str) -> ShapeTree:
    """What an RNN returns for input ``shape`` when one step outputs ``(batch, *step)``."""
    batch = shape[0]
    if known(cfg.get("stateful", False), "stateful") and batch is None:
        raise Invalid(f"a stateful {layer} needs a fixed batch size, got input {format_shape(shape)}")
    out = (batch, shape[1], *step) if known(cfg["return_sequences"], "return_sequences") else (batch, *step)
    if known(cfg["return_state"], "return_state"):
        return [out] + [(batch, *step)] * states
    return out


def defined_last(shape: Shape, layer: str) -> int:
    """The known, defined feature (last) dimension of a sequence."""
    features = known(shape[-1], "the input's feature dimension")
    if features is None:
        raise Invalid(f"{layer} needs a defined feature dimension, got {format_shape(shape)}", code="KC103")
    return features


class Recurrent(LayerType):
    """SimpleRNN, LSTM and GRU: ``gates`` dense blocks over [input, previous output]."""

    gates: ClassVar[int] = 1
    states: ClassVar[int] = 1
    call_args = RNN_CALL_ARGS
    positional: ClassVar[tuple[str, ...]] = ("units", "activation", "use_bias")
    keywords: ClassVar[tuple[str, ...]] = (*CELL_KEYWORDS, *SEQUENCE_KEYWORDS, "unroll")
    defaults = {"use_bias": True, **SEQUENCE_DEFAULTS}
    legacy_kwargs = KERAS1_RNN_KWARGS
    ignored_legacy_kwargs = KERAS1_RNN_IGNORED
    roles = Role.RECURRENT | Role.READS_FEATURES
    mask = Mask.SEQUENCES
    takes_mask = True
    config_attributes: ClassVar[tuple[str, ...]] = ("units", "use_bias", "return_sequences", "return_state")

    def declared_input_shape(self, cfg: dict[str, Any]) -> Shape | None | Unknown:
        # Keras 1: LSTM(32, input_dim=d, input_length=n) means a (n, d) input.
        if "batch_input_shape" in cfg or "input_shape" in cfg or cfg.get("input_dim") is None:
            return super().declared_input_shape(cfg)
        return (cfg.get("batch_size"), cfg.get("input_length"), cfg["input_dim"])

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        return self.sequences(cfg, cfg, call.inputs)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        return self.cell_weights(cfg, defined_last(call.inputs, self.name), ex)

    def units(self, cfg: dict[str, Any]) -> Any:
        units = cfg.get("units")
        if not is_unknown(units):
            check_positive((units,), "units", self.name)
        return units

    def sequences(self, cell_cfg: dict[str, Any], rnn_cfg: dict[str, Any], shape: Shape) -> ShapeTree:
        """The outputs of running this cell (``cell_cfg``) under RNN flags ``rnn_cfg``."""
        check_rank(shape, 3, self.name)
        units = self.units(cell_cfg)
        step = (Unknown("units") if is_unknown(units) else units,)
        return sequence_output(rnn_cfg, shape, step, self.states, self.name)

    def bias_rows(self, cfg: dict[str, Any]) -> int:
        return 1

    def cell_weights(self, cfg: dict[str, Any], fan_in: int, ex: Explain) -> list[Weight]:
        units = known(self.units(cfg), "units")
        width = self.gates * units
        weights = [Weight("kernel", (fan_in, width)), Weight("recurrent_kernel", (units, width))]
        rows = self.bias_rows(cfg) if known(cfg["use_bias"], "use_bias") else 0
        if rows:
            weights.append(Weight("bias", (width,) if rows == 1 else (rows, width)))
        gates = f"{self.gates} gates × " if self.gates > 1 else ""
        bias = f" + {rows} bias{'es' if rows > 1 else ''}" if rows else ""
        total = self.gates * (fan_in + units + rows) * units
        no_bias = "" if rows else " (no bias)"
        ex.add(f"{self.name}: {gates}({fan_in} inputs + {units} units{bias}) × {units} units{no_bias} = {total:,}")
        return weights


class SimpleRNN(Recurrent):
    name = "SimpleRNN"


class LSTM(Recurrent):
    """``CuDNNLSTM`` (Keras 2) is modelled as the Keras 3 LSTM (4·units bias, not cuDNN's 8·units)."""

    name = "LSTM"
    aliases: ClassVar[tuple[str, ...]] = ("CuDNNLSTM",)
    gates = 4
    states = 2
    positional = ("units", "activation", "recurrent_activation", "use_bias")
    keywords = (*Recurrent.keywords, "unit_forget_bias", "use_cudnn", "implementation")


class GRU(Recurrent):
    """Keras 3's default ``reset_after=True`` keeps separate input and recurrent biases."""

    name = "GRU"
    aliases: ClassVar[tuple[str, ...]] = ("CuDNNGRU",)
    gates = 3
    positional = ("units", "activation", "recurrent_activation", "use_bias")
    keywords = (*Recurrent.keywords, "reset_after", "use_cudnn", "implementation")
    defaults = {**Recurrent.defaults, "reset_after": True}

    def bias_rows(self, cfg: dict[str, Any]) -> int:
        return 2 if known(cfg["reset_after"], "reset_after") else 1


class Cell:
    """A cell on its own; its shapes and weights are modelled inside ``RNN(cell)``.

    None of its layer's facts hold for it: it is no recurrent layer, it takes no
    mask, and a subclass's output comes from tracing ``call()`` (not interpreted).
    """

    roles: ClassVar[Role] = Role.NONE
    mask: ClassVar[Mask] = Mask.DROPPED
    takes_mask: ClassVar[bool] = False
    subclass_interpreted: ClassVar[bool] = False
    config_attributes: ClassVar[tuple[str, ...]] = ()

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        raise Unresolved("calling an RNN cell directly is not modelled")

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        raise Unresolved("calling an RNN cell directly is not modelled")


class SimpleRNNCell(Cell, SimpleRNN):
    name = "SimpleRNNCell"
    keywords = CELL_KEYWORDS


class LSTMCell(Cell, LSTM):
    name = "LSTMCell"
    aliases = ()
    keywords = (*CELL_KEYWORDS, "unit_forget_bias", "implementation")


class GRUCell(Cell, GRU):
    name = "GRUCell"
    aliases = ()
    keywords = (*CELL_KEYWORDS, "reset_after", "implementation")


class RNN(LayerType):
    """The generic RNN over one Keras cell (``RNN(LSTMCell(32))``); stacked cells are not modelled."""

    name = "RNN"
    call_args = RNN_CALL_ARGS
    positional = ("cell", "return_sequences", "return_state", "go_backwards", "stateful", "unroll")
    keywords = ("zero_output_for_mask",)
    defaults = dict(SEQUENCE_DEFAULTS)
    roles = Role.RECURRENT
    mask = Mask.SEQUENCES
    takes_mask = True

    def cell(self, cfg: dict[str, Any]) -> tuple[Recurrent, dict[str, Any]]:
        cell: Any = cfg.get("cell")  # a Layer, or whatever the source passed
        if isinstance(cell, (list, tuple)):
            raise Unresolved("stacked RNN cells are not modelled")
        if not isinstance(getattr(cell, "type", None), Cell):
            raise Unresolved("the RNN's cell is not a Keras cell kerascheck knows")
        return cell.type, cell.config

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        cell_type, cell_cfg = self.cell(cfg)
        return cell_type.sequences(cell_cfg, cfg, call.inputs)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        cell_type, cell_cfg = self.cell(cfg)
        return cell_type.cell_weights(cell_cfg, defined_last(call.inputs, self.name), ex)


# ------------------------------------------------------------------ ConvLSTM
class ConvLSTM(Conv):
    """ConvLSTM1D/2D/3D: an LSTM whose gates are convolutions over each step's image.

    Each step's input-to-gates convolution is a ``Conv`` of the same rank (so
    its window arguments, validation and output size are Conv's); the
    recurrent convolution is 'same' with stride 1.
    """

    keras1_prefixes = ()
    call_args = RNN_CALL_ARGS
    positional = (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "activation",
        "recurrent_activation",
        "use_bias",
    )
    keywords: ClassVar[tuple[str, ...]] = (*CELL_KEYWORDS, "unit_forget_bias", *SEQUENCE_KEYWORDS)
    defaults = {
        "strides": 1,
        "padding": "valid",
        "data_format": None,
        "dilation_rate": 1,
        "use_bias": True,
        **SEQUENCE_DEFAULTS,
    }
    legacy_kwargs = {**Conv.legacy_kwargs, **KERAS1_RNN_KWARGS}
    roles = Role.RECURRENT
    mask = Mask.SEQUENCES
    takes_mask = True
    config_attributes = ()

    def step_shape(self, cfg: dict[str, Any], shape: Shape) -> Shape:
        """One time step's input ``(batch, *spatial, channels)``, checked as Keras builds it."""
        check_rank(shape, self.rank + 3, self.name)
        step = (shape[0], *shape[2:])
        if any(step[i] is None for i in spatial_axes(cfg, len(step))):
            raise Invalid(f"{self.name} needs static spatial dimensions, got input {format_shape(shape)}", code="KC103")
        if step[channels_axis(cfg, len(step))] is None:  # an unknown one may be defined
            raise Invalid(f"{self.name} needs a defined channel dimension, got {format_shape(shape)}", code="KC103")
        return step

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        shape = call.inputs
        step = super().output_shape(cfg, Call(self.step_shape(cfg, shape)), ex)
        return sequence_output(cfg, shape, step[1:], 2, self.name)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        step = self.step_shape(cfg, call.inputs)
        filters = known(cfg["filters"], "filters")
        kernel = as_tuple(cfg["kernel_size"], self.rank, "kernel_size")
        channels = input_channels(cfg, step, self.name)
        weights = [
            Weight("kernel", (*kernel, channels, 4 * filters)),
            Weight("recurrent_kernel", (*kernel, filters, 4 * filters)),
        ]
        use_bias = known(cfg["use_bias"], "use_bias")
        if use_bias:
            weights.append(Weight("bias", (4 * filters,)))
        total = 4 * (math.prod(kernel) * (channels + filters) + int(use_bias)) * filters
        bias = " + 1 bias" if use_bias else ""
        ex.add(
            f"{self.name}: 4 gates × ({window_text(kernel)} kernel × ({channels} input + {filters} recurrent "
            f"channels){bias}) × {filters} filters = {total:,}"
        )
        return weights


class ConvLSTM1D(ConvLSTM):
    name = "ConvLSTM1D"
    rank = 1


class ConvLSTM2D(ConvLSTM):
    name = "ConvLSTM2D"
    rank = 2


class ConvLSTM3D(ConvLSTM):
    name = "ConvLSTM3D"
    rank = 3


# ------------------------------------------------------------------ wrappers
RECURRENT = (Recurrent, RNN, ConvLSTM)
MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def wrapped(cfg: dict[str, Any], key: str, wrapper: str) -> Any:
    """The wrapped layer object (``.type``, ``.config``), or ``Unresolved``."""
    inner = cfg.get(key)
    if getattr(inner, "type", None) is None or not isinstance(getattr(inner, "config", None), dict):
        raise Unresolved(f"the layer {wrapper} wraps is not known")
    return inner


class Bidirectional(LayerType):
    """A forward and a backward copy of an RNN, outputs merged by ``merge_mode``.

    As Keras's ``compute_output_shape``, the output follows the forward
    layer: 'concat' doubles its last axis even when ``backward_layer`` has
    other units.  ``merge_mode=None`` returns both outputs; ``return_state``
    appends the forward then the backward states.
    """

    name = "Bidirectional"
    call_args = RNN_CALL_ARGS
    positional = ("layer", "merge_mode", "weights", "backward_layer")
    defaults = {"merge_mode": "concat", "backward_layer": None}
    roles = Role.READS_FEATURES
    mask = Mask.WRAPPED_SEQUENCES
    takes_mask = True

    def flag(self, layer: Any, key: str) -> Any:
        """A flag of a wrapped layer (``return_state``): its argument."""
        return layer.config.get(key, False)

    def layers(self, cfg: dict[str, Any]) -> tuple[Any, Any]:
        """The forward and backward layers, checked as Keras's constructor does."""
        forward = wrapped(cfg, "layer", self.name)
        if forward.type.of_source:  # keras/wrappers.py follows the copies Keras makes of it
            raise Unresolved(f"Bidirectional of {forward.type.name}, a layer of the source, is not followed")
        if not isinstance(forward.type, RECURRENT):
            raise Invalid(f"Bidirectional wraps a recurrent layer, not {forward.type.name}")
        if cfg.get("backward_layer") is None:
            if forward.config.get("go_backwards") is True:  # so is the backward copy Keras makes
                raise Invalid(
                    "Bidirectional: the layer it wraps has go_backwards=True, like the backward copy Keras"
                    " makes of it; Keras requires the two to differ"
                )
            return forward, forward
        backward = wrapped(cfg, "backward_layer", self.name)
        if not isinstance(backward.type, RECURRENT):
            raise Invalid(f"Bidirectional's backward_layer must be a recurrent layer, not {backward.type.name}")
        for key in ("go_backwards", "stateful", "return_sequences", "return_state"):
            same = known(forward.config.get(key, False), key) == known(backward.config.get(key, False), key)
            if same != (key != "go_backwards"):
                wanted = "differ" if key == "go_backwards" else "agree"
                raise Invalid(f"Bidirectional: the forward and backward layers' {key} must {wanted}")
        return forward, backward

    def returns_sequences(self, cfg: dict[str, Any]) -> Any:
        """The wrapped layer's ``return_sequences`` (Keras's ``compute_mask`` reads it)."""
        config = getattr(cfg.get("layer"), "config", None)
        return config.get("return_sequences", False) if isinstance(config, dict) else Unknown("the wrapped layer")

    def forward_output(self, forward: Any, call: Call) -> ShapeTree:
        """The forward layer's ``compute_output_shape`` of the input."""
        return forward.type.output_shape(forward.config, Call(call.inputs), Explain())

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        mode = known(cfg["merge_mode"], "merge_mode")
        if mode not in MERGE_MODES:
            raise Invalid(f"Bidirectional: merge_mode must be one of concat, sum, mul, ave or None, got {mode!r}")
        forward, _ = self.layers(cfg)
        out = self.forward_output(forward, call)
        states: list = []
        if known(self.flag(forward, "return_state"), "return_state"):
            out, states = out[0], out[1:]
        if mode == "concat":
            out = (*out[:-1], dim_mul(out[-1], 2))
        outputs = [out, out] if mode is None else [out]
        if states:
            return outputs + states + states
        return outputs if mode is None else out

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        forward, backward = self.layers(cfg)
        weights, counts = [], []
        for direction, layer in (("forward", forward), ("backward", backward)):
            part = layer.type.weights(layer.config, Call(call.inputs), ex if direction == "forward" else Explain())
            weights += [Weight(f"{direction}_{w.name}", w.shape, w.trainable) for w in part]
            counts.append(sum(w.size for w in part))
        inner = forward.type.name
        ex.add(f"Bidirectional: forward {inner} {counts[0]:,} + backward {counts[1]:,} = {sum(counts):,}")
        return weights


class TimeDistributed(LayerType):
    """Applies the wrapped layer to every step of axis 1, with one set of weights."""

    name = "TimeDistributed"
    positional = ("layer",)
    mask = Mask.PASSED
    takes_mask = True

    def step(self, call: Call) -> Shape:
        shape = call.inputs
        if len(shape) < 3:
            raise Invalid(f"TimeDistributed needs an input of rank ≥ 3, got {format_shape(shape)}", code="KC103")
        return (shape[0], *shape[2:])

    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        inner = wrapped(cfg, "layer", self.name)
        out = inner.type.output_shape(inner.config, Call(self.step(call)), Explain())
        if isinstance(out, list):
            raise Invalid(f"TimeDistributed cannot wrap {inner.type.name}: it returns several tensors")
        if is_unknown(out):
            return out
        return (out[0], call.inputs[1], *out[1:])

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        inner = wrapped(cfg, "layer", self.name)
        weights = inner.type.weights(inner.config, Call(self.step(call)), ex)
        if weights:
            ex.add(f"TimeDistributed: the {inner.type.name} weights are shared by every time step")
        return weights


LAYERS = (
    SimpleRNN,
    LSTM,
    GRU,
    SimpleRNNCell,
    LSTMCell,
    GRUCell,
    RNN,
    ConvLSTM1D,
    ConvLSTM2D,
    ConvLSTM3D,
    Bidirectional,
    TimeDistributed,
)
