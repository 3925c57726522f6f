"""Keras masks: what kerascheck cannot follow is unknown, never wrong.

The exact cases are checked against Keras by ``fixtures/constructs/mask_operations.py``
and ``tests/oracle/test_mask_models.py``; these are the ones kerascheck leaves
unknown, with the Keras behaviour that makes them depend on what it cannot see.
"""

from __future__ import annotations

from tests.helpers import analyze, only_model

EMBEDDED = """
import keras, json
from keras import layers
from somewhere import Fancy

inp = keras.Input(shape=(5,), dtype="int32")
x = layers.Embedding(9, 4, mask_zero=True)(inp)
"""


def _rows(model: dict) -> list[tuple[str, str]]:
    return [(row["name"], row["class"]) for row in model["layers"]]


def test_a_dtype_decides_whether_the_mask_is_in_the_call(keras):
    # Keras converts the input of a layer computing in another dtype, and the mask
    # is then no argument of the call's node: no not_equal row (a model of kerascheck's
    # would need the dtype of every tensor)
    inp = keras.Input(shape=(5,), dtype="int32")
    x = keras.layers.Embedding(9, 4, mask_zero=True)(inp)
    built = keras.Model(inp, keras.layers.LSTM(2, dtype="float64")(x))
    assert [type(op).__name__ for op in built._operations][1:] == ["Embedding", "LSTM"]
    model = only_model(EMBEDDED + 'model = keras.Model(inp, layers.LSTM(2, dtype="float64")(x))\n')
    assert model["total_params"] is None
    assert "dtype" in model["unknown_reason"]


def test_a_call_with_a_keyword_leaves_the_mask_out_exactly():
    model = only_model(EMBEDDED + "model = keras.Model(inp, layers.LSTM(2)(x, training=False))\n")
    assert _rows(model) == [("embedding", "Embedding"), ("lstm", "LSTM")]
    assert model["total_params"] == 36 + 56


def test_an_embedding_given_arguments_of_unknown_content_may_mask():
    source = EMBEDDED + """
opts = json.load(open("options.json"))
y = layers.Embedding(9, 4, **opts)(inp)
z = layers.Embedding(9, 4, mask_zero=True)(inp)
model = keras.Model(inp, [layers.LSTM(2)(y), layers.GRU(2)(z)])
"""
    model = only_model(source)
    assert model["total_params"] is None
    # the second not_equal may be not_equal_1 or not_equal_2
    assert ("?", "NotEqual") in _rows(model)


def test_a_layer_of_unknown_class_leaves_the_mask_and_the_later_operation_names_unknown():
    source = EMBEDDED + """
y = Fancy()(x)
z = layers.Concatenate()([y, y])
model = keras.Model(inp, layers.Concatenate()([z, z]))
"""
    model = only_model(source)
    assert model["total_params"] is None
    assert [name for name, cls in _rows(model) if cls == "Concatenate"] == ["?", "?"]


def test_a_compute_mask_kerascheck_cannot_follow_makes_the_model_unknown():
    source = EMBEDDED + """
class Odd(layers.Layer):
    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return helper(mask)

model = keras.Model(inp, layers.LSTM(2)(Odd()(x)))
"""
    model = only_model(source)
    assert model["total_params"] is None
    assert "compute_mask" in model["unknown_reason"]


def test_a_sequential_models_own_mask_is_unknown_where_its_tensors_are_reused():
    source = """
import keras
from keras import layers

base = keras.Sequential([keras.Input(shape=(5,), dtype="int32"), layers.Embedding(9, 4, mask_zero=True)])
model = keras.Model(base.inputs, layers.LSTM(2)(base.outputs[0]))
"""
    functional = analyze(source)["models"][-1]
    assert functional["total_params"] is None
    assert "Sequential" in functional["unknown_reason"]
