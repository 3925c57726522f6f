"""Shapes that come from keras.datasets, through the usual NumPy steps, and what
stays unknown: other data, values a step makes depend on the data, arrays
changed in place or under an unknown condition.

The expected shapes and values are written out, so the quick tier checks
kerascheck against them without Keras; the oracle tests at the end check each of
them against what real Keras and NumPy build from the same snippet."""

from __future__ import annotations

import pytest

from tests.helpers import analyze, only_model

HEADER = "import numpy as np\nimport keras\n"


def shape_of(setup: str, shape: str) -> list:
    """The shape of ``keras.Input(shape=SHAPE)`` after ``setup``, with its batch axis."""
    source = HEADER + setup + f"\nm = keras.Sequential([keras.Input(shape={shape}), keras.layers.Activation('linear')])\n"
    return only_model(source)["layers"][0]["output_shape"]


def value_of(setup: str, expression: str) -> int | None:
    """An integer ``EXPRESSION`` as ``Dense`` units (None when unknown)."""
    source = HEADER + setup + f"\nm = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense({expression})])\n"
    shape = only_model(source)["layers"][0]["output_shape"]
    return shape[-1] if shape and shape[-1] != "?" else None


MNIST = "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()"


#: (setup, SHAPE, the shape kerascheck reports for keras.Input(shape=SHAPE))
SHAPES = [
        (MNIST, "x_train.shape[1:]", [None, 28, 28]),
        (MNIST + "\nx = x_train.reshape(-1, 28, 28, 1)", "x.shape[1:]", [None, 28, 28, 1]),
        (MNIST + "\nx = x_train.reshape(x_train.shape[0], 784)", "x.shape[1:]", [None, 784]),
        (MNIST + "\nx = x_train.reshape((60000, -1))", "x.shape", [None, 60000, 784]),
        (MNIST + "\nx = np.reshape(x_test, (-1, 1, 28, 28))", "x.shape", [None, 10000, 1, 28, 28]),
        (MNIST + "\nx = np.expand_dims(x_train, -1)", "x.shape[1:]", [None, 28, 28, 1]),
        (MNIST + "\nx = np.expand_dims(x_train, axis=1)", "x.shape[1:]", [None, 1, 28, 28]),
        (MNIST + "\nx = x_train[..., np.newaxis]", "x.shape[1:]", [None, 28, 28, 1]),
        (MNIST + "\nx = x_train[:, :, :, None]", "x.shape[1:]", [None, 28, 28, 1]),
        (MNIST + "\nx = x_train.astype('float32') / 255.0", "x.shape", [None, 60000, 28, 28]),
        (MNIST + "\nx = 1.0 - x_train * 2", "x.shape", [None, 60000, 28, 28]),
        (MNIST + "\nx = x_train[:1000]", "x.shape", [None, 1000, 28, 28]),
        (MNIST + "\nx = x_train[-5000:, 2:-2, ::2]", "x.shape", [None, 5000, 24, 14]),
        (MNIST + "\nx = x_train[0]", "x.shape", [None, 28, 28]),
        (MNIST + "\nx = x_train.reshape(len(x_train), -1).T", "x.shape", [None, 784, 60000]),
        (MNIST + "\nx = x_train - x_train.mean(axis=0)", "x.shape", [None, 60000, 28, 28]),
        (MNIST + "\nx = x_train.max(axis=(1, 2), keepdims=True)", "x.shape", [None, 60000, 1, 1]),
        (MNIST + "\nx = np.array(x_train, dtype='float32').ravel()", "x.shape", [None, 47040000]),
        (MNIST + "\nx = x_train.reshape(-1, 28 * 28)\nx.shape = (60000, 28, 28, 1)", "x.shape[1:]", [None, 28, 28, 1]),
        ("from tensorflow.keras.datasets import cifar10\n(x, y), _ = cifar10.load_data()", "x.shape", [None, 50000, 32, 32, 3]),
        ("import tensorflow as tf\n(x, y), _ = tf.keras.datasets.cifar100.load_data()", "y.shape", [None, 50000, 1]),
        (
            "keras.backend.set_image_data_format('channels_first')\n(x, y), _ = keras.datasets.cifar10.load_data()",
            "x.shape[1:]",
            [None, 3, 32, 32],
        ),
        ("(x, y), _ = keras.datasets.cifar10.load_data()\nx = x.transpose(0, 3, 1, 2)", "x.shape[1:]", [None, 3, 32, 32]),
        (MNIST + "\nx = np.concatenate([x_train, x_test])", "x.shape", [None, 70000, 28, 28]),
        (MNIST + "\nx = np.concatenate((x_test[..., None], x_test[..., None]), axis=-1)", "x.shape[1:]", [None, 28, 28, 2]),
        (MNIST + "\nx = np.stack([x_test, x_test], axis=1)", "x.shape", [None, 10000, 2, 28, 28]),
        (
            "n = 300\nnoise = np.random.uniform(0, 1, (n, 1, 60))\nmarks = np.zeros([n, 1, 60])\n"
            "x = np.transpose(np.concatenate((noise, marks), axis=1), (0, 2, 1))",
            "x.shape[1:]",
            [None, 60, 2],
        ),
        ("(x, y), (a, b) = keras.datasets.boston_housing.load_data()", "x.shape + a.shape", [None, 404, 13, 102, 13]),
        ("(x, y), (a, b) = keras.datasets.boston_housing.load_data(test_split=0.1)", "(len(x), len(a))", [None, 455, 51]),
        ("(x, y), (a, b) = keras.datasets.reuters.load_data(num_words=1000)", "(len(x), len(a))", [None, 8982, 2246]),
        ("(x, y), (a, b) = keras.datasets.imdb.load_data(num_words=1000)", "x.shape + a.shape", [None, 25000, 25000]),
        # arrays made of Python lists of numbers
        ("data = [[i, i + 1] for i in range(5)]\nx = np.reshape(data, (len(data), 2, 1))", "x.shape", [None, 5, 2, 1]),
        ("x = np.array([[0.5, 1], [2, 3], [4, 5]]) / 2", "x.shape", [None, 3, 2]),
        ("x = np.asarray(((1, 2, 3),), dtype='float32')", "x.shape", [None, 1, 3]),
        ("x = np.array([])", "x.shape", [None, 0]),
]


@pytest.mark.parametrize("setup, shape, expected", SHAPES)
def test_dataset_shapes_through_numpy_steps(setup, shape, expected):
    assert shape_of(setup, shape) == expected


#: (setup, EXPRESSION, kerascheck's Dense(EXPRESSION) units: None when Keras rejects the value)
VALUES = [
        (MNIST, "len(np.unique(y_train))", 10),
        (MNIST, "int(np.max(y_train) + 1)", 10),
        (MNIST, "int(y_test.max()) + 1", 10),
        (MNIST, "keras.utils.to_categorical(y_train).shape[-1]", 10),
        (MNIST, "keras.utils.to_categorical(y_train, 12).shape[1]", 12),
        (MNIST, "keras.utils.to_categorical(y_train, num_classes=np.max(y_train) + 1).shape[1]", 10),
        (MNIST, "len(x_train) // 1000", 60),
        (MNIST + "\ncopied = np.array(y_train)\ncopied += 1\ncopied.shape = (-1, 1)", "len(np.unique(y_train)) + y_train.ndim", 11),
        ("(x, y), _ = keras.datasets.fashion_mnist.load_data()", "y.max() + 1 - y.min()", None),  # a NumPy integer
        ("(x, y), _ = keras.datasets.cifar10.load_data()", "keras.utils.to_categorical(y).shape[-1]", 10),
        ("(x, y), _ = keras.datasets.cifar10.load_data()", "keras.utils.to_categorical(y).ndim", 2),
        ("(x, y), _ = keras.datasets.cifar100.load_data()", "len(np.unique(y))", 100),
        ("(x, y), _ = keras.datasets.cifar100.load_data('coarse')", "len(np.unique(y))", 20),
        ("(x, y), _ = keras.datasets.cifar100.load_data(label_mode='coarse')", "y.shape[1]", 1),
        ("(x, y), _ = keras.datasets.imdb.load_data()", "len(np.unique(y))", 2),
        ("(x, y), _ = keras.datasets.reuters.load_data()", "keras.utils.to_categorical(y).shape[1]", 46),
        (
            "from keras.utils import np_utils\n" + MNIST,
            "np_utils.to_categorical(y_train, nb_classes=10).shape[1]",
            10,
        ),
        ("from keras.utils.np_utils import to_categorical\n" + MNIST, "to_categorical(y_test).shape[1]", 10),
        (
            "from keras.preprocessing import sequence\n(x, y), _ = keras.datasets.imdb.load_data(num_words=5000)",
            "sequence.pad_sequences(x, maxlen=120).shape[1]",
            120,
        ),
        (
            "import tensorflow as tf\n(x, y), _ = tf.keras.datasets.reuters.load_data()",
            "tf.keras.preprocessing.sequence.pad_sequences(x, 50).shape[1]",
            50,
        ),
        ("(x, y), _ = keras.datasets.imdb.load_data()", "keras.utils.pad_sequences(x, maxlen=64).shape[0] // 1000", 25),
        # labels in Python lists: their largest value is known
        ("labels = [1, 3, 2, 3]", "keras.utils.to_categorical(labels).shape[1]", 4),
        ("labels = [[0], [2], [1]]", "keras.utils.to_categorical(labels).shape[-1]", 3),
        ("labels = [[0], [2], [1]]", "keras.utils.to_categorical(labels).ndim", 2),
        ("labels = [0, 1, 2, 1]", "len(np.unique(labels))", 3),
        ("labels = np.array([4, 0, 2])", "int(labels.max()) + 1", 5),
        ("labels = [5, 7]", "int(np.max(np.array(labels).reshape(2, 1))) + 1", 8),
        ("y = np.array([300, 2]).astype('int16')", "int(y.max())", 300),
]


@pytest.mark.parametrize("setup, expression, expected", VALUES)
def test_values_from_datasets(setup, expression, expected):
    assert value_of(setup, expression) == expected


# ------------------------------------------------------------------ the expected values, from the oracle
# Each SHAPES and VALUES snippet runs as written with real Keras and NumPy, on the
# offline datasets the oracle suite runs fixtures with (tests/oracle/offline_datasets.py:
# arrays of the documented shapes, labels covering every class): what it builds
# is the expected value the quick tests above hold kerascheck to.

#: Keras 1/2 spellings Keras 3 cannot import: their values are checked on kerascheck's side only
KERAS3_CANNOT_RUN = ("keras.utils import np_utils", "keras.utils.np_utils import")


def keras_output_shape(keras, source: str) -> list:
    """The output shape of the model ``m`` that ``source`` builds with real Keras,
    ``keras.datasets`` served offline (what Keras raises, it raises)."""
    from tests.oracle.offline_datasets import offline_datasets

    data_format = keras.config.image_data_format()
    keras.backend.clear_session()
    try:
        with offline_datasets(keras):
            namespace: dict = {"__name__": "__snippet__"}
            exec(compile(source, "snippet.py", "exec"), namespace)
        return list(namespace["m"].output_shape)
    finally:
        keras.config.set_image_data_format(data_format)
        keras.backend.clear_session()


def oracle_cases(cases):
    return [case for case in cases if not any(spelling in case[0] for spelling in KERAS3_CANNOT_RUN)]


@pytest.mark.slow  # whole-dataset NumPy steps: up to seconds each
@pytest.mark.parametrize("setup, shape, expected", oracle_cases(SHAPES))
def test_the_expected_shapes_are_what_keras_builds(keras, setup, shape, expected):
    source = HEADER + setup + f"\nm = keras.Sequential([keras.Input(shape={shape}), keras.layers.Activation('linear')])\n"
    assert keras_output_shape(keras, source) == expected


@pytest.mark.slow  # whole-dataset NumPy steps and 25,000-review stand-ins: up to seconds each
@pytest.mark.parametrize("setup, expression, expected", oracle_cases(VALUES))
def test_the_expected_values_are_what_keras_builds(keras, setup, expression, expected):
    source = HEADER + setup + f"\nm = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense({expression})])\n"
    if expected is None:  # kerascheck's unknown stands for Keras rejecting the value
        with pytest.raises(ValueError, match="units"):
            keras_output_shape(keras, source)
    else:
        assert keras_output_shape(keras, source)[-1] == expected


@pytest.mark.parametrize(
    "setup, expression",
    [
        # other data
        ("import pandas as pd\ndf = pd.read_csv('train.csv')", "df.shape[1]"),
        ("x = np.load('x.npy')", "x.shape[-1]"),
        ("x = np.load('x.npy')", "keras.utils.to_categorical(x).shape[1]"),
        ("from mydata import load\n(x, y), _ = load()", "len(np.unique(y))"),
        ("(x, y), _ = keras.datasets.california_housing.load_data()", "x.shape[1]"),
        # a class count that is not known
        (MNIST + "\nimport sys\nn = int(sys.argv[1])", "keras.utils.to_categorical(y_train, n).shape[1]"),
        (MNIST, "keras.utils.to_categorical(y_train[:100]).shape[1]"),
        (MNIST + "\ny_train[y_train > 4] = 0", "keras.utils.to_categorical(y_train).shape[1]"),
        (MNIST + "\nlabels = y_train\ny_train += 1", "keras.utils.to_categorical(labels).shape[1]"),
        (MNIST + "\nflat = y_train.reshape(-1, 1)\nflat[flat == 9] = 0", "len(np.unique(y_train))"),  # through a view
        (MNIST + "\ny_train[:10].fill(0)", "keras.utils.to_categorical(y_train).shape[1]"),
        (MNIST + "\nnp.random.shuffle(y_train)", "len(np.unique(y_train))"),
        (MNIST + "\ny_train.fill(3)", "len(np.unique(y_train))"),
        (MNIST, "keras.utils.to_categorical(y_train, 5).shape[1]"),  # Keras raises: 10 labels
        ("(x, y), _ = keras.datasets.reuters.load_data(maxlen=200)", "keras.utils.to_categorical(y).shape[1]"),
        ("(x, y), _ = keras.datasets.reuters.load_data(test_split=0.5)", "keras.utils.to_categorical(y).shape[1]"),
        ("_, (x, y) = keras.datasets.reuters.load_data()", "keras.utils.to_categorical(y).shape[1]"),
        ("(x, y), _ = keras.datasets.imdb.load_data(maxlen=100)", "int(np.max(y)) + 1"),
        ("import sys\n(x, y), _ = keras.datasets.cifar100.load_data(sys.argv[1])", "len(np.unique(y))"),
        ("(x, y), _ = keras.datasets.cifar100.load_data('medium')", "len(np.unique(y))"),  # Keras raises
        # sizes that depend on the data or on unknown arguments
        ("(x, y), _ = keras.datasets.imdb.load_data(maxlen=100)", "len(x)"),
        ("(x, y), _ = keras.datasets.imdb.load_data()", "keras.utils.pad_sequences(x).shape[1]"),
        ("(x, y), _ = keras.datasets.imdb.load_data()", "len(x[0])"),
        ("import sys\n(x, y), _ = keras.datasets.boston_housing.load_data(test_split=float(sys.argv[1]))", "len(x)"),
        ("(x, y), _ = keras.datasets.boston_housing.load_data(test_split=1.5)", "len(x)"),  # Keras raises
        ("kw = dict(np.load('args.npy'))\n(x, y), _ = keras.datasets.boston_housing.load_data(**kw)", "len(x)"),
        (MNIST, "np.sum(x_train)"),
        (MNIST, "x_train.max()"),
        (MNIST, "(x_train @ np.ones(28)).shape[-1]"),
        (MNIST + "\nx_train.resize((60000, 784))", "x_train.shape[1]"),
        (MNIST + "\nimport random\nif random.random() > 0.5:\n    x_train = x_train.reshape(-1, 784)", "x_train.shape[-1]"),
        (MNIST + "\nimport random\nif random.random() > 0.5:\n    x_train.shape = (-1, 784)", "x_train.shape[-1]"),
        (MNIST, "x_train.reshape(-1, 27).shape[1]"),  # NumPy raises: 47,040,000 is not a multiple of 27
        (MNIST, "x_train[x_train > 0].shape[0]"),
        (MNIST + "\nx = np.sqrt(x_train)", "x.shape[1]"),
        # lists NumPy makes no plain array of, and values they do not give
        ("x = np.array([[1, 2], [3]], dtype=object)", "x.shape[0]"),
        ("x = np.array([1, 'a'])", "x.shape[0]"),
        ("labels = [0, 1, 2]", "keras.utils.to_categorical(labels, 2).shape[1]"),  # Keras raises
        ("labels = [1, 2]", "len(np.unique(labels))"),
        ("labels = [0.0, 2.0]", "keras.utils.to_categorical(labels).shape[1]"),
        ("y = np.array([300, 2]).astype('int8')", "int(y.max())"),  # the values wrap
        ("labels = [1, 3]\ny = np.array(labels)\ny[0] = 9", "int(y.max())"),
        (MNIST, "np.concatenate([x_train, x_train.reshape(-1, 784)]).shape[0]"),  # NumPy raises: ranks differ
        (MNIST, "np.concatenate([x_train, x_train[:, :5]]).shape[0]"),  # NumPy raises: sizes differ
        ("x = np.load('x.npy')", "np.concatenate([x, x]).shape[1]"),
    ],
)
def test_what_stays_unknown(setup, expression):
    assert value_of(setup, expression) is None


@pytest.mark.parametrize("create", ["np.zeros((n, 3))", "np.random.rand(n, 3)", "np.ones(shape=[n, 3])"])
def test_a_new_array_keeps_the_sizes_it_is_given(create):
    assert shape_of(f"import sys\nn = int(sys.argv[1])\nx = {create}", "x.shape") == [None, "?", 3]


def test_a_numpy_integer_is_not_an_int_to_keras_3():
    """``np.max(y) + 1`` is a NumPy integer: Keras 3's Dense rejects it (Keras 2 took it)."""
    report = analyze(
        HEADER
        + MNIST
        + "\nnum_classes = np.max(y_train) + 1\n"
        + "y = keras.utils.to_categorical(y_train, num_classes)\n"
        + "m = keras.Sequential([keras.Input(shape=(y.shape[1],)), keras.layers.Dense(num_classes)])\n"
    )
    (model,) = report["models"]
    assert model["layers"][0]["output_shape"] is None
    (diagnostic,) = [d for d in report["diagnostics"] if d["code"] == "KC105"]
    assert "np.uint8(10)" in diagnostic["message"]


def test_data_loaded_in_a_function_and_fit_needs_nothing():
    model = only_model(
        """
        from tensorflow import keras
        from tensorflow.keras.datasets import mnist

        def load():
            (x_train, y_train), (x_test, y_test) = mnist.load_data()
            x_train = x_train.reshape(x_train.shape[0], 28, 28, 1).astype("float32") / 255
            return x_train, keras.utils.to_categorical(y_train)

        x_train, y_train = load()
        model = keras.Sequential([
            keras.layers.Conv2D(8, 3, input_shape=x_train.shape[1:]),
            keras.layers.Flatten(),
            keras.layers.Dense(y_train.shape[1], activation="softmax"),
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        model.fit(x_train, y_train, batch_size=128, epochs=12, validation_split=0.1)
        model.evaluate(x_train[:100], y_train[:100])
        """
    )
    assert [l["output_shape"] for l in model["layers"]] == [[None, 26, 26, 8], [None, 5408], [None, 10]]
    assert model["total_params"] == 80 + 54090
