"""A layer called on concrete data (``tf.range``, ``keras.ops.arange``,
``np.arange``, ``np.zeros``) runs at once: Keras builds it but adds no node to
any graph, so it is no row of a model its output is added to (a position
embedding); the sum is an ``Add`` operation on the symbolic side."""

import pytest

from tests.helpers import only_model

POSITIONS = {
    "tf.range(start=0, limit=16, delta=1)": "import tensorflow as tf",
    "tf.range(16)": "import tensorflow as tf",
    "keras.ops.arange(start=0, stop=16, step=1)": "",
    "keras.ops.arange(16)": "",
    "np.arange(0, 32, 2)": "import numpy as np",
}


@pytest.mark.parametrize("positions", POSITIONS)
def test_a_position_embedding_on_a_range_is_no_row(positions):
    model = only_model(
        f"""
        import keras
        {POSITIONS[positions]}
        def build():
            inputs = keras.Input((16, 12))
            patches = keras.layers.Dense(8)(inputs)
            pos = keras.layers.Embedding(input_dim=16, output_dim=8)({positions})
            x = patches + pos
            return keras.Model(inputs, keras.layers.Dense(2)(x))
        """
    )
    rows = [(row["class"], row["output_shape"]) for row in model["layers"]]
    assert rows == [("Dense", [None, 16, 8]), ("Add", [None, 16, 8]), ("Dense", [None, 16, 2])]
    assert model["total_params"] == 104 + 18


def test_a_layer_called_on_an_array_is_built_with_its_shape():
    model = only_model(
        """
        import keras
        import numpy as np
        def build():
            bias = keras.layers.Dense(4)(np.zeros((3, 5)))
            inputs = keras.Input((3, 4))
            return keras.Model(inputs, keras.layers.Dense(4)(inputs) * bias)
        """
    )
    assert [(row["class"], row["output_shape"]) for row in model["layers"]] == [
        ("Dense", [None, 3, 4]),
        ("Multiply", [None, 3, 4]),
    ]
    assert model["total_params"] == 20


def test_a_range_of_unknown_bounds_stays_unknown():
    model = only_model(
        """
        import sys
        import keras
        def build(n=int(sys.argv[1])):
            inputs = keras.Input((16, 8))
            pos = keras.layers.Embedding(input_dim=16, output_dim=8)(keras.ops.arange(n))
            return keras.Model(inputs, inputs + pos)
        """
    )
    assert model["total_params"] is None


def test_a_numpy_array_left_of_a_symbolic_tensor_is_unknown():
    """NumPy's operator runs first and fails to convert the Keras tensor (Keras 3
    raises); a backend tensor there (``tf.range``, a layer's output on data) is fine."""
    model = only_model(
        """
        import keras
        import numpy as np
        def build():
            inputs = keras.Input((16, 8))
            return keras.Model(inputs, np.ones((16, 8)) * keras.layers.Dense(8)(inputs))
        """
    )
    assert model["total_params"] is None
