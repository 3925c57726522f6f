"""Models Keras 3 refuses are errors (KC105, KC107, KC109), checked against real Keras.

Each refused source fails to run with Keras, and kerascheck reports the error
and leaves the refused layer's counts, and the model's totals, unknown.  Each
accepted twin runs with Keras and kerascheck reports no error and Keras's
totals.  The rules' own examples are checked the same way.
"""

from __future__ import annotations

import pytest

from helpers import analyze
from kerascheck.rules.kc107_invalid_layer_argument import RULE as KC107
from kerascheck.rules.kc109_disconnected_output import RULE as KC109

HEAD = "import keras\nfrom keras import layers\n"

#: (what, source, code, a text of the message); the model is ``m``
REFUSED = [
    ("unknown keyword", "m = keras.Sequential([keras.Input((8,)), layers.Dense(4, kernel_size=3)])", "KC107",
     "Dense takes no argument kernel_size="),
    ("unknown keywords", "m = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, units=2, nb_rows=3)])",
     "KC107", "Conv2D takes no argument units=, nb_rows="),
    ("ActivityRegularization sets its own activity_regularizer",
     "m = keras.Sequential([keras.Input((8,)), layers.ActivityRegularization(activity_regularizer='l2')])", "KC107",
     "activity_regularizer="),
    ("SpatialDropout takes no input_shape", "m = keras.Sequential([layers.SpatialDropout1D(0.2, input_shape=(4, 3))])",
     "KC107", "input_shape="),
    ("a subclass's super().__init__",
     "class MyDense(layers.Dense):\n    def __init__(self):\n        super().__init__(4, kernel_size=3)\n"
     "m = keras.Sequential([keras.Input((8,)), MyDense()])", "KC107", "kernel_size="),
    ("go_backwards wrapped", "m = keras.Sequential([keras.Input((10, 4)), layers.Bidirectional(layers.LSTM(4, go_backwards=True))])",
     "KC107", "go_backwards=True"),
    ("a rate outside [0, 1], refused at construction", "m = keras.Sequential([layers.Dropout(1.5)])", "KC107",
     "rate must be between 0 and 1"),
    ("no vocabulary", "m = keras.Sequential([keras.Input((10,)), layers.Embedding(0, 8)])", "KC105", "input_dim"),
    ("no dimensions", "m = keras.Sequential([keras.Input((10,)), layers.Embedding(5, 0)])", "KC105", "output_dim"),
    ("an input left out", "a = keras.Input((4,))\nb = keras.Input((3,))\nm = keras.Model(a, layers.Dense(2)(b))",
     "KC109", "depends on input_layer_1"),
    ("one of two outputs", "a = keras.Input((4,))\nb = keras.Input((4,))\n"
     "m = keras.Model(a, {'x': layers.Dense(2)(a), 'y': layers.Add()([a, b])})", "KC109", "output 1 (add)"),
    ("an input as the output", "a = keras.Input((4,))\nb = keras.Input((4,))\nm = keras.Model(a, b)", "KC109",
     "depends on input_layer_1"),
]

#: sources Keras builds, close to the refused ones
ACCEPTED = [
    ("Layer's keywords", "m = keras.Sequential([layers.Dense(4, input_shape=(8,), name='d', dtype='float32',"
     " trainable=False, autocast=False, activity_regularizer='l2', kernel_initializer='zeros')])"),
    ("keywords a layer takes from **kwargs", "m = keras.Sequential([keras.Input((5, 3)), layers.LSTM(4, implementation=1),"
     " layers.LayerNormalization(rms_scaling=True), layers.Embedding(5, 2, input_length=4)])"),
    ("a backward layer of its own", "m = keras.Sequential([keras.Input((10, 4)), layers.Bidirectional("
     "layers.LSTM(4, go_backwards=True), backward_layer=layers.LSTM(3))])"),
    ("an unused input", "a = keras.Input((4,))\nb = keras.Input((3,))\nm = keras.Model([a, b], layers.Dense(2)(a))"),
    ("an intermediate input", "a = keras.Input((4,))\nh = layers.Dense(3)(a)\nm = keras.Model(h, layers.Dense(2)(h))"),
]


def run_keras(source: str):
    scope: dict = {}
    exec(compile(HEAD + source + "\n", "example.py", "exec"), scope)
    return scope["m"]


@pytest.mark.parametrize("what, source, code, text", REFUSED, ids=[c[0] for c in REFUSED])
def test_keras_refuses_and_kerascheck_reports_an_error(keras, what, source, code, text):
    with pytest.raises((ValueError, TypeError)):
        run_keras(source)
    report = analyze(HEAD + source + "\n")
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert [d["code"] for d in errors] == [code] and text in errors[0]["message"], errors
    (model,) = report["models"]
    assert model["total_params"] is None and model["unknown_reason"]
    if code != "KC109":  # the refused layer itself has no counts
        assert [layer["params"] for layer in model["layers"]][-1] is None


@pytest.mark.parametrize("what, source", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_keras_accepts_and_kerascheck_reports_its_totals(keras, what, source):
    real = run_keras(source)
    report = analyze(HEAD + source + "\n")
    assert not [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert report["models"][-1]["total_params"] == real.count_params()


@pytest.mark.parametrize("rule", [KC107, KC109], ids=lambda r: r.code)
def test_the_rules_examples(keras, rule):
    for example in rule.invalid:
        with pytest.raises((ValueError, TypeError)):
            exec(compile(example.source, "example.py", "exec"), {})
    for example in rule.valid:
        if "output_dim=" not in example.source:  # Keras 1/2 spellings: Keras 3 refuses them, KC301 says so
            exec(compile(example.source, "example.py", "exec"), {})
