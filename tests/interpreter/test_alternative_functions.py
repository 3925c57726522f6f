"""type() of plain data, calls of a function that is one of several (a helper
picked by whether TensorFlow imports), and the truth of a symbolic tensor:
known where Python's answer is, unknown otherwise, never wrong."""

from tests.helpers import only_model

OPTIONAL_TF = """
import keras
from keras import layers
try:
    import tensorflow
    TF = True
except ImportError:
    TF = False
"""


def model_of(body: str) -> dict:
    return only_model(OPTIONAL_TF + body)


def test_type_of_plain_data_picks_the_branch():
    model = model_of(
        """
def build(depth=20, widths=(8,)):
    stages = list(depth) if type(depth) is list or type(depth) is tuple else [(depth - 2) // 9] * 2
    x = inputs = keras.Input((4,))
    for blocks in stages:
        for width in widths * blocks:
            x = layers.Dense(width)(x)
    if type(widths) == tuple and type(True) is not int:
        x = layers.Dense(1)(x)
    return keras.Model(inputs, x)
"""
    )
    assert [row["class"] for row in model["layers"]] == ["Dense"] * 5
    assert model["total_params"] == 40 + 3 * 72 + 9


def test_type_of_an_unknown_value_is_unknown():
    model = model_of(
        """
import sys
def build(depth=sys.argv[1]):
    x = inputs = keras.Input((4,))
    if type(depth) is int:
        x = layers.Dense(8)(x)
    return keras.Model(inputs, layers.Dense(2)(x))
"""
    )
    assert model["total_params"] is None


def test_a_helper_two_branches_define_alike_gives_its_value():
    model = model_of(
        """
if TF:
    def width_of(n):
        return n * 2
else:
    def width_of(n):
        return 2 * n
def build():
    inputs = keras.Input((4,))
    return keras.Model(inputs, layers.Dense(width_of(3))(inputs))
"""
    )
    assert model["total_params"] == 30


def test_a_helper_only_one_branch_defines_is_that_helper():
    """Where the other branch leaves the name unbound, calling it there raises NameError."""
    model = model_of(
        """
if TF:
    def channels(t):
        return t.shape[-1]
def build():
    x = inputs = keras.Input((8, 8, 4))
    if channels(x) != 4:
        x = layers.Conv2D(4, 1)(x)
    return keras.Model(inputs, layers.Conv2D(2, 1)(x))
"""
    )
    assert [row["class"] for row in model["layers"]] == ["Conv2D"]
    assert model["total_params"] == 10


def test_helpers_that_disagree_give_an_unknown_value():
    model = model_of(
        """
if TF:
    def width_of(n):
        return n * 2
else:
    def width_of(n):
        return n
def build():
    inputs = keras.Input((4,))
    return keras.Model(inputs, layers.Dense(width_of(3))(inputs))
"""
    )
    assert model["total_params"] is None


def test_helpers_that_add_layers_add_them_uncertainly():
    model = model_of(
        """
if TF:
    def head(x):
        return layers.Dense(2)(x)
else:
    def head(x):
        return layers.Dense(2)(layers.Dense(3)(x))
def build():
    inputs = keras.Input((4,))
    return keras.Model(inputs, head(inputs))
"""
    )
    assert model["total_params"] is None


def test_the_truth_of_a_symbolic_tensor_is_unknown():
    """Keras refuses ``bool()`` of a symbolic tensor: a comparison kerascheck only
    knows as a tensor (an unknown helper's result) decides no branch."""
    model = model_of(
        """
from helpers import channels
def build():
    x = inputs = keras.Input((8, 8, 4))
    if channels(x)[-1] != 4:
        x = layers.Conv2D(4, 1)(x)
    return keras.Model(inputs, layers.Conv2D(2, 1)(x))
"""
    )
    assert model["total_params"] is None
