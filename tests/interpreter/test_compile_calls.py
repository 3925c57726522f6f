"""Every ``model.compile(...)`` is recorded in order (``Model.compiles``), with whether it
ran unconditionally and whether ``fit()``/``train_on_batch()`` ran while it was in effect."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerascheck.analysis import Options, interpret
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


def test_every_compile_is_recorded_in_order():
    keras = interpret(cst.parse_module(textwrap.dedent(SOURCE)), Options(), FileReport("m.py"), [])
    (model,) = keras.models
    assert [c.args for c in model.compiles] == [
        {"optimizer": "adam", "loss": "mse"},
        {"optimizer": "sgd", "loss": "categorical_crossentropy"},
        {"loss": "categorical_crossentropy", "metrics": ["accuracy"]},
    ]
    assert [(c.certain, c.trained) for c in model.compiles] == [(True, True), (False, False), (True, False)]
