"""Sizes known only when the model runs (``keras.dynamic``): ``ops.shape(x)[0]``
inside a traced call() or Lambda, and concrete tensors beside symbolic ones.

(What Keras builds from these constructs is checked by the fixtures
``constructs/dynamic_dims.py`` and ``legacy/keras2_backend_sampling.py``.)"""

from tests.helpers import only_model

HEADER = """
import keras
import tensorflow as tf
from keras import backend as K
from keras import layers, ops
"""


def shapes(body: str, input_shape: str = "(5, 6)") -> list:
    """The output shapes of a model whose layer ``L`` has ``body`` as call(self, x)."""
    source = HEADER + f"""
class L(layers.Layer):
    def call(self, x):
{body}
inp = keras.Input({input_shape})
model = keras.Model(inp, L()(inp))
"""
    return [row["output_shape"] for row in only_model(source)["layers"]]


def test_the_batch_size_feeds_shapes_as_none():
    body = "        n = ops.shape(x)[0]\n        return ops.concatenate([ops.broadcast_to(ops.ones((1, 1, 6)), [n, 1, 6]), x], 1)"
    assert shapes(body) == [[None, 6, 6]]
    assert shapes("        return ops.reshape(x, (ops.shape(x)[0], -1, 2, 3))") == [[None, None, 2, 3]]
    assert shapes("        return x + keras.random.normal((ops.shape(x)[0], 5, 6))") == [[None, 5, 6]]


def test_known_sizes_stay_numbers():
    assert shapes("        b, s, d = ops.shape(x)\n        return ops.reshape(x, (b * s, d // 2, 2))") == [[None, 3, 2]]
    assert shapes("        return ops.reshape(x, (-1, ops.shape(x)[1] * ops.shape(x)[2]))") == [[None, 30]]


def test_tf_shape_is_a_tensor_of_the_sizes():
    assert shapes("        return tf.reshape(x, [tf.shape(x)[0], 2, 15])") == [[None, 2, 15]]
    assert shapes("        return x + tf.zeros(tf.shape(x)) + K.random_normal(K.shape(x)[1:])") == [[None, 5, 6]]
    # a tensor, not a tuple: * 2 is not repetition
    assert shapes("        return ops.reshape(x, tf.shape(x) * 2)") == [None]  # unknown


def test_what_depends_on_the_runtime_value_is_unknown():
    assert shapes("        return ops.reshape(x, (-1, 5 if ops.shape(x)[0] > 1 else 30))") == [[None, "?"]]
    assert shapes("        return layers.Dense(ops.shape(x)[0])(x)") == [None]  # unknown


def test_outside_a_trace_the_batch_size_is_none():
    """On a Functional model's symbolic tensors ``ops.shape`` is the shape: None is no size."""
    source = HEADER + """
inp = keras.Input((3,))
h = layers.Dense(3)(inp)
model = keras.Model(inp, h + keras.random.normal((ops.shape(h)[0], 3)))
"""
    assert [row["output_shape"] for row in only_model(source)["layers"]] == [[None, 3], None]  # unknown


def test_a_concrete_tensor_beside_a_symbolic_one():
    source = HEADER + """
inp = keras.Input((12,))
model = keras.Model(inp, layers.Dense(3)(inp) + ops.ones((3,)))
"""
    rows = only_model(source)["layers"]
    assert [(row["class"], row["output_shape"]) for row in rows] == [("Dense", [None, 3]), ("Add", [None, 3])]


def test_keras2_backend_sampling_with_a_fixed_batch():
    source = HEADER + """
def sampling(args):
    mean, log_sigma = args
    epsilon = K.random_normal(shape=(50, 2), mean=0., stddev=1.0)
    return mean + K.exp(log_sigma / 2) * epsilon

inp = keras.Input(batch_shape=(50, 8))
z = layers.Lambda(sampling)([layers.Dense(2)(inp), layers.Dense(2)(inp)])
model = keras.Model(inp, layers.Dense(4)(z))
"""
    rows = only_model(source)["layers"]
    assert [row["output_shape"] for row in rows[2:]] == [[50, 2], [50, 4]]
    assert rows[3]["params"] == 12


def test_activation_functions_in_a_trace():
    assert shapes("        return keras.activations.gelu(x, approximate=False)") == [[None, 5, 6]]
    assert shapes("        return keras.activations.glu(x)") == [None]  # unknown: it halves the last axis


def test_keras_2_l2_normalize_in_a_lambda_keeps_the_shape():
    from helpers import only_model

    model = only_model("""
        import keras
        from keras import backend as K
        x = keras.Input((8,))
        h = keras.layers.Dense(4)(x)
        n = keras.layers.Lambda(lambda t: K.l2_normalize(t, axis=-1))(h)
        model = keras.Model(x, keras.layers.Dense(2)(n))
    """)
    assert [row["output_shape"] for row in model["layers"]] == [[None, 4], [None, 4], [None, 2]]


def test_keras_config_values_are_its_defaults_unless_the_file_sets_them():
    """``K.epsilon()`` in a Gumbel-softmax layer's call() is a number, not an unknown operand."""
    from helpers import only_model

    source = """
        import keras
        from keras import backend as K
        {setting}

        class Gumbel(keras.layers.Layer):
            def call(self, inputs):
                noise = -K.log(-K.log(K.random_uniform(shape=K.shape(inputs)) + K.epsilon()) + K.epsilon())
                return K.softmax(inputs + noise, -1) if K.floatx() == "float32" else inputs[:, 0]

        x = keras.Input((4, 3))
        model = keras.Model(x, Gumbel()(x))
    """
    assert only_model(source.format(setting=""))["layers"][0]["output_shape"] == [None, 4, 3]
    assert only_model(source.format(setting='K.set_floatx("float16")'))["layers"][0]["output_shape"] is None
