"""Custom Layer subclasses: what kerascheck cannot follow stays unknown, never wrong.

(What it follows is checked against real Keras by the fixtures
``constructs/custom_layers.py`` and ``constructs/custom_layer_rbf.py``.)"""

from tests.helpers import only_model

HEADER = """
import os
import keras
from keras import layers
"""


def model_with(layer_class: str, call: str = "Custom()(inputs)") -> dict:
    return only_model(
        HEADER
        + layer_class
        + f"""
inputs = keras.Input((4,))
x = {call}
x = layers.Dense(3)(x)
model = keras.Model(inputs, x)
"""
    )


def test_a_weight_added_under_an_unknown_condition_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def build(self, shape):
        if os.environ.get("BIAS"):
            self.b = self.add_weight(shape=(shape[-1],))
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["params"] is None
    assert model["layers"][0]["output_shape"] == [None, 4]
    assert model["total_params"] is None


def test_a_weight_of_unknown_shape_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(int(os.environ["N"]),))
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["params"] is None


def test_an_init_that_does_not_call_super_init_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def __init__(self):
        self.k = 2
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["output_shape"] is None


def test_names_after_a_layer_made_inside_call_are_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def call(self, x):
        return layers.Dense(4)(x)
""",
    )
    assert [layer["name"] for layer in model["layers"]] == ["custom", "?"]
    assert model["layers"][1]["params"] == 15


def test_a_call_kerascheck_cannot_follow_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def call(self, x):
        return some_library.transform(x)
"""
    )
    assert model["layers"][0]["output_shape"] is None
    assert model["layers"][1]["params"] is None


def test_a_name_given_by_an_unknown_value_is_unknown():
    model = model_with(
        """
class Custom(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(name=os.environ.get("NAME"), **kwargs)
    def call(self, x):
        return x
"""
    )
    assert model["layers"][0]["name"] == "?"
