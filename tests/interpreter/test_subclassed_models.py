"""Subclassed models: what depends on things kerascheck cannot know stays unknown.

(What it follows is checked against real Keras by the fixtures
``constructs/subclassed_models.py`` and ``unknown/subclassed_model.py`` and by
``tests/oracle/test_subclassed_build.py``.)"""

from tests.helpers import analyze, only_model

HEADER = """
import os
import keras
from keras import layers
"""


def net(call_body: str, init_extra: str = "", use: str = "model(keras.Input((8,)))") -> dict:
    return only_model(
        HEADER
        + f"""
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = layers.Dense(4)
        self.b = layers.Dense(6)
        self.drop = layers.Dropout(0.1)
        self.out = layers.Dense(2)
{init_extra}
    def call(self, x, training=False):
{call_body}

model = Net()
{use}
"""
    )


def rows(model: dict) -> dict:
    return {row["name"]: row for row in model["layers"]}


def test_a_layer_with_weights_only_the_training_branch_calls_makes_the_totals_unknown():
    model = net("        x = self.a(x)\n        if training:\n            x = self.b(x)\n        return self.out(x)\n")
    assert model["kind"] == "subclassed"
    assert model["total_params"] is None
    assert "training" in model["unknown_reason"]


def test_a_weightless_layer_in_the_training_branch_keeps_the_shapes_and_totals_known():
    model = net("        x = self.a(x)\n        if training:\n            x = self.drop(x)\n        return self.out(x)\n")
    assert rows(model)["dense_2"]["output_shape"] == [None, 2]
    assert model["total_params"] == sum(row["params"] for row in model["layers"] if row["params"] is not None)
    assert rows(model)["dense_1"]["params"] is None  # never called: unbuilt, as in Keras


def test_branches_that_disagree_on_the_shape_leave_what_follows_unknown():
    model = net("        if training:\n            x = self.a(x)\n        else:\n            x = self.b(x)\n        return self.out(x)\n")
    assert rows(model)["dense_2"]["output_shape"] is None
    assert rows(model)["dense_2"]["params"] is None
    assert model["total_params"] is None


def test_an_explicit_training_flag_decides_the_branch():
    model = net(
        "        x = self.a(x)\n        if training:\n            x = self.b(x)\n        return self.out(x)\n",
        use="model(keras.Input((8,)), training=True)",
    )
    assert rows(model)["dense_2"]["output_shape"] == [None, 2]
    assert rows(model)["dense_1"]["params"] is not None
    assert model["total_params"] is not None


def test_a_layer_assigned_under_an_unknown_condition_makes_the_model_uncertain():
    model = net(
        "        return self.out(self.a(x))\n",
        init_extra="        if os.environ.get('WIDE'):\n            self.extra = layers.Dense(16)\n",
    )
    assert model["total_params"] is None


def test_a_build_method_of_its_own_is_not_guessed():
    model = net(
        "        return self.out(self.a(x))\n",
        init_extra="    def build(self, input_shape):\n        self.a.build(input_shape)\n",
        use="model.build((None, 8))",
    )
    assert model["total_params"] is None
    assert "build()" in model["unknown_reason"]


def test_a_model_never_given_an_input_is_unknown_and_says_how_to_give_one():
    model = net("        return self.out(self.a(x))\n", use="model.compile(optimizer='adam', loss='mse')")
    assert all(row["output_shape"] is None for row in model["layers"])
    assert model["total_params"] is None
    assert "--input-shape" in model["unknown_reason"]


def test_data_of_unknown_shape_leaves_the_model_unknown():
    model = net("        return self.out(self.a(x))\n", use="model(load_my_data())")
    assert rows(model)["dense"]["params"] is None
    assert model["total_params"] is None


def test_an_array_of_partly_known_shape_builds_what_does_not_need_the_unknown_size():
    use = "import numpy as np\nmodel(np.zeros((1, int(os.environ['FEATURES']))))"
    model = net("        return self.out(self.a(x))\n", use=use)
    assert rows(model)["dense"]["output_shape"] == [1, 4] and rows(model)["dense"]["params"] is None
    assert rows(model)["dense_2"]["output_shape"] == [1, 2] and rows(model)["dense_2"]["params"] == 10
    assert model["total_params"] is None


def test_the_instance_attributes_are_reachable_from_outside():
    report = analyze(
        HEADER
        + """
class AutoEncoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.encoder = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(2)], name="encoder")
        self.decoder = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(16)], name="decoder")

    def call(self, x):
        return self.decoder(self.encoder(x))

ae = AutoEncoder()
ae(keras.Input((16,)))
width = ae.encoder.layers[-1].units
head = keras.Sequential([keras.Input((width,)), layers.Dense(1)], name="head")
"""
    )
    models = {m["name"]: m for m in report["models"]}
    assert [row["name"] for row in models["auto_encoder"]["layers"]] == ["encoder", "decoder"]
    assert models["head"]["layers"][0]["output_shape"] == [None, 1]
    assert models["encoder"]["layers"][-1]["output_shape"] == [None, 2]
