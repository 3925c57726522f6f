"""Recurrent layers and the Bidirectional/TimeDistributed wrappers against real Keras."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest
from oracle import check, check_invalid, check_legacy, our_layer

import kerascheck.catalog
from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Unresolved
from kerascheck.unknown import Unknown, is_unknown

CF = {"data_format": "channels_first"}


@dataclass
class Inner:
    """A wrapped layer as the interpreter hands it over: its type and normalised config."""

    type: LayerType
    config: dict[str, Any]


def inner(keras, name: str, args=(), kwargs=None) -> Inner:
    lt = kerascheck.catalog.lookup(name)
    cfg = lt.normalize(tuple(args), dict(kwargs or {}), name)
    if cfg.get("data_format") is None:
        cfg["data_format"] = keras.config.image_data_format()
    return Inner(lt, cfg)


def keras_counts(layer) -> tuple[int, int]:
    trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    return trainable, sum(math.prod(w.shape) for w in layer.non_trainable_weights)


def keras_shapes(out) -> Any:
    return [tuple(o.shape) for o in out] if isinstance(out, (list, tuple)) else tuple(out.shape)


def ours(name: str, args, kwargs, shape) -> tuple:
    lt = kerascheck.catalog.lookup(name)
    cfg = lt.normalize(tuple(args), dict(kwargs), name)
    ex = Explain()
    out = lt.output_shape(cfg, Call(shape), ex)
    weights = lt.weights(cfg, Call(shape), ex)
    assert ex.lines or not weights
    return out, sum(w.size for w in weights if w.trainable), sum(w.size for w in weights if not w.trainable)


def check_wrapped(keras, wrapper: str, layer: tuple, input_shape, kwargs=None, backward=None, batch=None):
    """Compare ``wrapper(layer, **kwargs)`` (``layer`` = (name, args, kwargs)) with Keras."""
    kwargs = dict(kwargs or {})
    real_kwargs = dict(kwargs)
    our_kwargs = dict(kwargs)
    if backward is not None:
        real_kwargs["backward_layer"] = getattr(keras.layers, backward[0])(*backward[1], **backward[2])
        our_kwargs["backward_layer"] = inner(keras, *backward)
    real = getattr(keras.layers, wrapper)(getattr(keras.layers, layer[0])(*layer[1], **layer[2]), **real_kwargs)
    out = real(keras.Input(shape=input_shape, batch_size=batch))
    expected = (keras_shapes(out), *keras_counts(real))
    got = ours(wrapper, (inner(keras, *layer),), our_kwargs, (batch, *input_shape))
    assert got == expected
    return got


SEQ = ("SimpleRNN", "LSTM", "GRU")
FLAGS = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"return_sequences": True, "return_state": True},
    {"use_bias": False},
    {"go_backwards": True, "unroll": True},
]


@pytest.mark.parametrize("name", SEQ)
@pytest.mark.parametrize("flags", FLAGS, ids=str)
@pytest.mark.parametrize("shape", [(10, 8), (None, 3)], ids=str)
def test_recurrent(keras, name, flags, shape):
    check(keras, name, (16,), flags, shape)


@pytest.mark.parametrize("kwargs", [{"reset_after": False}, {"reset_after": False, "use_bias": False}], ids=str)
def test_gru_reset_before(keras, kwargs):
    check(keras, "GRU", (7,), {"return_sequences": True, **kwargs}, (5, 3))


def test_positional_use_bias(keras):
    check(keras, "SimpleRNN", (4, "relu", False), {}, (5, 3))
    check(keras, "LSTM", (4, "tanh", "sigmoid", False), {}, (5, 3))


def test_stateful_with_batch(keras):
    # The state variables of a stateful RNN are not layer weights.
    check(keras, "LSTM", (4,), {"stateful": True, "return_state": True}, (3, 2), batch=2)


def test_keras1_spellings(keras):
    check_legacy(
        keras,
        "LSTM",
        (),
        {"output_dim": 32, "inner_activation": "hard_sigmoid", "dropout_W": 0.1, "dropout_U": 0.2, "init": "uniform"},
        layer_name="LSTM",
        args=(32,),
        kwargs={"recurrent_activation": "hard_sigmoid", "dropout": 0.1, "recurrent_dropout": 0.2},
        input_shape=(7, 5),
    )
    check_legacy(
        keras,
        "GRU",
        (8,),
        {"consume_less": "gpu", "forget_bias_init": "one"},
        layer_name="GRU",
        args=(8,),
        input_shape=(7, 5),
    )


def test_keras1_declared_input():
    lt = kerascheck.catalog.lookup("LSTM")
    cfg = lt.normalize((32,), {"input_dim": 64, "input_length": 10}, "LSTM")
    assert lt.declared_input_shape(cfg) == (None, 10, 64)
    cfg = lt.normalize((32,), {"input_dim": 64}, "LSTM")
    assert lt.declared_input_shape(cfg) == (None, None, 64)
    cfg = lt.normalize((32,), {"input_shape": (10, 64)}, "LSTM")
    assert lt.declared_input_shape(cfg) == (None, 10, 64)


def test_cudnn_aliases(keras):
    check_legacy(keras, "CuDNNGRU", (16,), {}, layer_name="GRU", args=(16,), input_shape=(10, 8))
    flags = {"return_sequences": True}
    check_legacy(keras, "CuDNNLSTM", (16,), flags, layer_name="LSTM", args=(16,), kwargs=flags, input_shape=(10, 8))


@pytest.mark.parametrize(
    "name, args, kwargs, shape, code, batch",
    [
        ("SimpleRNN", (4,), {}, (2,), "KC103", None),
        ("LSTM", (4,), {}, (2, 3, 4), "KC103", None),
        ("GRU", (0,), {}, (2, 3), "KC105", None),
        ("LSTM", (4,), {}, (5, None), "KC103", None),
        ("SimpleRNN", (4,), {"stateful": True}, (3, 2), "", None),
        ("ConvLSTM2D", (4, 3), {}, (5, None, 8, 2), "KC103", None),
        ("ConvLSTM2D", (4, 3), {}, (5, 8, 8, None), "KC103", None),
        ("ConvLSTM1D", (4, 5), {}, (None, 3, 2), "KC101", None),
        ("ConvLSTM1D", (4, 3), {"padding": "causal"}, (None, 10, 2), "", None),
        ("ConvLSTM2D", (4, 3), {"strides": 2, "dilation_rate": 2}, (5, 9, 9, 2), "", None),
        ("ConvLSTM2D", (4, 3), {}, (8, 8, 2), "KC103", None),
    ],
)
def test_invalid_like_keras(keras, name, args, kwargs, shape, code, batch):
    check_invalid(keras, name, args, kwargs, shape, batch=batch, code=code)


def test_explanations(keras):
    *_, ex = our_layer(keras, "LSTM", (32,), {}, (None, 64))
    assert ex.lines == ["LSTM: 4 gates × (64 inputs + 32 units + 1 bias) × 32 units = 12,416"]
    *_, ex = our_layer(keras, "GRU", (32,), {}, (None, 64))
    assert ex.lines == ["GRU: 3 gates × (64 inputs + 32 units + 2 biases) × 32 units = 9,408"]
    *_, ex = our_layer(keras, "SimpleRNN", (32,), {"use_bias": False}, (None, 64))
    assert ex.lines == ["SimpleRNN: (64 inputs + 32 units) × 32 units (no bias) = 3,072"]
    *_, ex = our_layer(keras, "ConvLSTM2D", (4, 3), {}, (5, 8, 8, 2))
    assert ex.lines[-1] == "ConvLSTM2D: 4 gates × (3×3 kernel × (2 input + 4 recurrent channels) + 1 bias) × 4 filters = 880"


def test_unknown_units_and_features():
    lt = kerascheck.catalog.lookup("LSTM")
    cfg = lt.normalize((Unknown(),), {"return_state": True}, "LSTM")
    out = lt.output_shape(cfg, Call((None, 5, 3)), Explain())
    assert len(out) == 3 and all(is_unknown(s[1]) for s in out)
    cfg = lt.normalize((4,), {}, "LSTM")
    with pytest.raises(Unresolved):
        lt.weights(cfg, Call((None, 5, Unknown())), Explain())


def test_conv_lstm_unknown_channels():
    """The output does not need the input channels; the weights do."""
    lt = kerascheck.catalog.lookup("ConvLSTM2D")
    cfg = lt.normalize((4, 3), {"data_format": "channels_last"}, "ConvLSTM2D")
    shape = (None, 5, 8, 9, Unknown())
    assert lt.output_shape(cfg, Call(shape), Explain()) == (None, 6, 7, 4)
    with pytest.raises(Unresolved):
        lt.weights(cfg, Call(shape), Explain())
    with pytest.raises(Invalid):
        lt.output_shape(cfg, Call((None, 5, 8, 9, None)), Explain())


# ------------------------------------------------------------------ RNN(cell)
CELLS = [("SimpleRNNCell", (4,), {}), ("LSTMCell", (4,), {}), ("GRUCell", (4,), {"reset_after": False})]


@pytest.mark.parametrize("cell", CELLS, ids=str)
@pytest.mark.parametrize("flags", [{}, {"return_sequences": True, "return_state": True}], ids=str)
def test_rnn_over_cell(keras, cell, flags):
    real = keras.layers.RNN(getattr(keras.layers, cell[0])(*cell[1], **cell[2]), **flags)
    out = real(keras.Input(shape=(6, 3)))
    got = ours("RNN", (inner(keras, *cell),), flags, (None, 6, 3))
    assert got == (keras_shapes(out), *keras_counts(real))


def test_rnn_unknown_cell():
    lt = kerascheck.catalog.lookup("RNN")
    for cell in (Unknown(), [Unknown(), Unknown()]):
        cfg = lt.normalize((cell,), {}, "RNN")
        with pytest.raises(Unresolved):
            lt.output_shape(cfg, Call((None, 5, 3)), Explain())
    cell_type = kerascheck.catalog.lookup("LSTMCell")
    with pytest.raises(Unresolved):
        cell_type.output_shape(cell_type.normalize((4,), {}, "LSTMCell"), Call((None, 3)), Explain())


# ------------------------------------------------------------------ ConvLSTM
CONV_LSTM = [
    ("ConvLSTM1D", (4, 3), {}, (None, 10, 2)),
    ("ConvLSTM1D", (4, 3), {"dilation_rate": 2, "return_sequences": True}, (None, 10, 2)),
    ("ConvLSTM1D", (4, 3), {"padding": "same", "strides": 2, "return_state": True}, (6, 9, 2)),
    ("ConvLSTM2D", (4, 3), {}, (5, 8, 8, 2)),
    ("ConvLSTM2D", (4, (3, 2)), {"return_sequences": True, "return_state": True}, (5, 8, 8, 2)),
    ("ConvLSTM2D", (4, 3), {"padding": "same", "strides": 2, **CF}, (5, 2, 9, 9)),
    ("ConvLSTM2D", (4, 3), {"use_bias": False, **CF, "return_state": True}, (None, 2, 9, 7)),
    ("ConvLSTM3D", (2, 3), {"padding": "same"}, (3, 5, 5, 5, 1)),
    ("ConvLSTM3D", (2, (1, 2, 3)), {"return_sequences": True}, (3, 4, 5, 6, 2)),
]


@pytest.mark.parametrize("case", CONV_LSTM, ids=lambda c: f"{c[0]}{c[1]}{c[2]}@{c[3]}")
def test_conv_lstm(keras, case):
    check(keras, *case)


def test_conv_lstm_keras1_kwargs(keras):
    check_legacy(
        keras,
        "ConvLSTM2D",
        (),
        {"nb_filter": 4, "nb_row": 3, "nb_col": 3, "border_mode": "same", "dim_ordering": "tf"},
        layer_name="ConvLSTM2D",
        args=(4, 3),
        kwargs={"padding": "same"},
        input_shape=(5, 8, 8, 2),
    )


# ------------------------------------------------------------------ Bidirectional
@pytest.mark.parametrize("name", SEQ)
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("flags", FLAGS[:4], ids=str)
def test_bidirectional(keras, name, merge_mode, flags):
    check_wrapped(keras, "Bidirectional", (name, (4,), flags), (5, 3), {"merge_mode": merge_mode})


@pytest.mark.parametrize("merge_mode", ["concat", "sum"])
def test_bidirectional_backward_layer(keras, merge_mode):
    # Keras shapes the output from the forward layer alone.
    check_wrapped(
        keras,
        "Bidirectional",
        ("LSTM", (4,), {"return_sequences": True}),
        (5, 3),
        {"merge_mode": merge_mode},
        backward=("GRU", (6,), {"go_backwards": True, "return_sequences": True}),
    )


def test_bidirectional_conv_lstm_and_cell(keras):
    check_wrapped(keras, "Bidirectional", ("ConvLSTM2D", (4, 3), {}), (5, 8, 8, 2))
    real = keras.layers.Bidirectional(keras.layers.RNN(keras.layers.GRUCell(4), return_sequences=True))
    out = real(keras.Input(shape=(None, 3)))
    rnn = inner(keras, "RNN", (inner(keras, "GRUCell", (4,)),), {"return_sequences": True})
    assert ours("Bidirectional", (rnn,), {}, (None, None, 3)) == (keras_shapes(out), *keras_counts(real))


def test_bidirectional_invalid(keras):
    with pytest.raises(ValueError):
        keras.layers.Bidirectional(keras.layers.LSTM(4), backward_layer=keras.layers.LSTM(6))
    with pytest.raises(ValueError):
        backward = keras.layers.LSTM(6, go_backwards=True, return_sequences=True)
        keras.layers.Bidirectional(keras.layers.LSTM(4), backward_layer=backward)
    with pytest.raises(ValueError):
        keras.layers.Bidirectional(keras.layers.LSTM(4), merge_mode="max")
    with pytest.raises(Exception):
        keras.layers.Bidirectional(keras.layers.Dense(4))
    with pytest.raises(ValueError, match="different `go_backwards`"):  # its backward copy goes backwards too
        keras.layers.Bidirectional(keras.layers.LSTM(4, go_backwards=True))
    with pytest.raises(Invalid, match="go_backwards=True"):
        ours("Bidirectional", (inner(keras, "LSTM", (4,), {"go_backwards": True}),), {}, (None, 5, 3))
    cases = [
        {"backward_layer": inner(keras, "LSTM", (6,))},
        {"backward_layer": inner(keras, "LSTM", (6,), {"go_backwards": True, "return_sequences": True})},
        {"merge_mode": "max"},
    ]
    for kwargs in cases:
        with pytest.raises(Invalid):
            ours("Bidirectional", (inner(keras, "LSTM", (4,)),), kwargs, (None, 5, 3))
    with pytest.raises(Invalid):
        ours("Bidirectional", (inner(keras, "Dense", (4,)),), {}, (None, 5, 3))


def test_bidirectional_explanation(keras):
    lt = kerascheck.catalog.lookup("Bidirectional")
    cfg = lt.normalize((inner(keras, "LSTM", (32,)),), {}, "Bidirectional")
    ex = Explain()
    lt.weights(cfg, Call((None, 10, 64)), ex)
    assert ex.lines == [
        "LSTM: 4 gates × (64 inputs + 32 units + 1 bias) × 32 units = 12,416",
        "Bidirectional: forward LSTM 12,416 + backward 12,416 = 24,832",
    ]


def test_wrapped_layer_unknown():
    for name in ("Bidirectional", "TimeDistributed"):
        lt = kerascheck.catalog.lookup(name)
        with pytest.raises(Unresolved):
            lt.output_shape(lt.normalize((Unknown(),), {}, name), Call((None, 5, 3)), Explain())


# ------------------------------------------------------------------ TimeDistributed
TIME_DISTRIBUTED = [
    (("Dense", (4,), {}), (5, 3)),
    (("Dense", (4,), {}), (None, 3)),
    (("Dense", (4,), {"use_bias": False}), (5, 2, 3)),
    (("Conv2D", (4, 3), {}), (None, 8, 8, 3)),
    (("Conv2D", (4, 3), {"strides": 2, **CF}), (6, 3, 9, 9)),
    (("MaxPooling2D", (), {}), (6, 8, 8, 3)),
    (("Flatten", (), {}), (6, 4, 4, 3)),
    (("BatchNormalization", (), {}), (6, 4)),
    (("LSTM", (4,), {"return_sequences": True}), (6, 5, 3)),
]


@pytest.mark.parametrize("layer, shape", TIME_DISTRIBUTED, ids=str)
def test_time_distributed(keras, layer, shape):
    check_wrapped(keras, "TimeDistributed", layer, shape)


def test_time_distributed_static_batch(keras):
    check_wrapped(keras, "TimeDistributed", ("Dense", (4,), {}), (5, 3), batch=2)


def test_time_distributed_invalid(keras):
    for layer, shape in ((keras.layers.Dense(4), (5,)), (keras.layers.LSTM(4, return_state=True), (5, 3, 2))):
        with pytest.raises(ValueError):
            keras.layers.TimeDistributed(layer)(keras.Input(shape=shape))
    with pytest.raises(Invalid) as info:
        ours("TimeDistributed", (inner(keras, "Dense", (4,)),), {}, (None, 5))
    assert info.value.code == "KC103"
    with pytest.raises(Invalid):
        ours("TimeDistributed", (inner(keras, "LSTM", (4,), {"return_state": True}),), {}, (None, 5, 3, 2))


def test_time_distributed_explanation(keras):
    lt = kerascheck.catalog.lookup("TimeDistributed")
    cfg = lt.normalize((inner(keras, "Dense", (4,)),), {}, "TimeDistributed")
    ex = Explain()
    lt.weights(cfg, Call((None, 5, 3)), ex)
    assert ex.lines == [
        "Dense: 3 inputs × 4 units + 4 biases = 16",
        "TimeDistributed: the Dense weights are shared by every time step",
    ]
