"""Model methods as Keras runs them: every ``model.compile(...)`` is recorded in order
(``Model.compiles``), with whether it ran unconditionally and whether ``fit()``/
``train_on_batch()`` ran while it was in effect; ``Sequential.add`` refuses arguments."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerascheck.analysis import Options, interpret
from kerascheck.graph import Model
from kerascheck.report import FileReport

SOURCE = """
import sys
import keras
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
m.compile("adam", "mse")
m.fit(x, y)
if sys.argv[1]:
    m.compile(optimizer="sgd", loss="categorical_crossentropy")
m.compile(loss="categorical_crossentropy", metrics=["accuracy"])
"""


def only_model(source: str) -> Model:
    keras = interpret(cst.parse_module(textwrap.dedent(source)), Options(), FileReport("m.py"), [])
    (model,) = keras.models
    return model


def test_every_compile_is_recorded_in_order():
    model = only_model(SOURCE)
    assert [c.args for c in model.compiles] == [
        {"optimizer": "adam", "loss": "mse"},
        {"optimizer": "sgd", "loss": "categorical_crossentropy"},
        {"loss": "categorical_crossentropy", "metrics": ["accuracy"]},
    ]
    assert [(c.certain, c.trained) for c in model.compiles] == [(True, True), (False, False), (True, False)]


def test_add_with_a_keyword_it_does_not_take_raises():
    model = only_model("""
        import keras
        m = keras.Sequential()
        m.add(keras.layers.Dense(4), input_shape=(8,))
        m.add(keras.layers.Dense(2), rebuild=True)
    """)
    assert [(p.code, p.message) for p in model.problems] == [
        ("KC110", "Sequential.add() got an unexpected keyword argument 'input_shape': input_shape= belongs inside Dense(...)")
    ]
    assert model.totals() == (None, None)


def test_layers_added_under_a_condition_are_listed():
    model = only_model("""
        import sys
        import keras
        m = keras.Sequential()
        if sys.argv[1]:
            m.add(keras.layers.GaussianNoise(0.1, input_shape=(16,)))
        m.add(keras.layers.Dense(4))
    """)
    assert model.uncertain and [op.class_name for op in model.conditional_adds] == ["GaussianNoise"]


RESUME_OR_BUILD = """
import os
import keras
inp = keras.Input((4,))
if os.path.isfile("saved.keras"):
    model = keras.models.load_model("saved.keras")
else:
    model = keras.Model(inp, keras.layers.Dense(3, activation="softmax")(inp))
model.compile(loss="binary_crossentropy", optimizer="sgd")
model.fit(x, y)
"""


def test_a_compile_on_a_variable_that_may_be_the_model_may_compile_it():
    """Resume from a saved model or build one: ``model.compile`` and ``fit`` may be the
    built model's (not certainly: the variable may hold the loaded one)."""
    model = only_model(RESUME_OR_BUILD)
    assert [(c.args["loss"], c.certain, c.trained) for c in model.compiles] == [("binary_crossentropy", False, True)]
