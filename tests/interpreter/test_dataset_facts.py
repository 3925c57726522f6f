"""kerascheck's table of ``keras.datasets`` facts, checked against Keras's own
source: the docstrings (shapes, dtypes, label ranges, sizes, class counts), the
signatures of ``load_data`` and the code that splits, filters and transposes.
Two sizes are facts of the data files the docstrings do not state (Boston
Housing's 506 samples, IMDB's 25,000 test reviews): only their use is checked."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from kerascheck.interpreter.values import Arguments
from kerascheck.keras import datasets
from kerascheck.libraries.numpy_arrays import INTEGER, INTEGER_BITS, Array
from kerascheck.unknown import is_unknown

IMAGES = ("mnist", "fashion_mnist", "cifar10", "cifar100")
DOCUMENTED = re.compile(
    r"\*\*`(?P<name>[xy]_(?:train|test))`\*\*: `(?P<dtype>\w+)` NumPy array.*?shapes?\s+`?(?P<shape>\([\d, ]*\))`?",
    re.DOTALL,
)


def source(name: str) -> str:
    return inspect.getsource(importlib.import_module(f"keras.src.datasets.{name}"))


def loader(name: str):
    return importlib.import_module(f"keras.src.datasets.{name}").load_data


def facts(name: str, data_format: str = "channels_last", **arguments) -> dict[str, Array]:
    dataset = datasets.DATASETS[name]
    loaded = datasets.load(name, {**dataset.parameters, **arguments}, data_format)
    assert not is_unknown(loaded), loaded
    (x_train, y_train), (x_test, y_test) = loaded
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def dtype_agrees(ours, documented: str) -> bool:
    """Equal, or ours only says "integer" (weaker, never wrong) of a documented integer dtype."""
    return ours == documented or (ours == INTEGER and documented in INTEGER_BITS)


def test_every_keras_dataset_is_modelled_but_california_housing(keras):
    names = {n for n, _ in inspect.getmembers(keras.datasets, inspect.ismodule)}
    assert set(datasets.DATASETS) == names - {"california_housing"}
    call = datasets.call("keras.datasets.california_housing.load_data", Arguments(), "channels_last")
    assert is_unknown(call)


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_parameters_are_those_of_load_data(keras, name):
    signature = inspect.signature(loader(name)).parameters.values()
    real = {p.name: p.default for p in signature if p.kind is not p.VAR_KEYWORD}
    assert list(datasets.DATASETS[name].parameters.items()) == list(real.items())


@pytest.mark.parametrize("name", IMAGES)
def test_image_datasets_match_their_docstrings(keras, name):
    doc = loader(name).__doc__
    documented = {m["name"]: (m["dtype"], eval(m["shape"])) for m in DOCUMENTED.finditer(doc)}
    assert set(documented) == {"x_train", "y_train", "x_test", "y_test"}
    ours = facts(name)
    for key, (dtype, shape) in documented.items():
        assert ours[key].shape == shape, key
        assert dtype_agrees(ours[key].dtype, dtype), key
    for line in re.findall(r"assert (\w+)\.shape == (\([\d, ]*\))", doc):  # the docstring's example
        assert ours[line[0]].shape == eval(line[1])
    top = int(re.search(r"integers in range 0-(\d+)", doc)[1])
    assert ours["y_train"].classes == ours["y_test"].classes == top + 1


def test_cifar100_coarse_labels_and_label_mode(keras):
    doc = loader("cifar100").__doc__
    coarse = int(re.search(r"grouped into (\d+) coarse-grained classes", doc)[1])
    ours = facts("cifar100", label_mode="coarse")
    assert ours["y_train"].classes == ours["y_test"].classes == coarse
    assert 'if label_mode not in ["fine", "coarse"]:' in source("cifar100")
    assert is_unknown(datasets.load("cifar100", {"label_mode": "medium"}, "channels_last"))


def test_cifar100_labels_are_integers_of_unrecorded_width(keras):
    """Its docstring says uint8, but the labels are a pickled list reshaped: no cast."""
    code = source("cifar100")
    assert "y_train = np.reshape(y_train, (len(y_train), 1))" in code and "astype" not in code
    assert facts("cifar100")["y_train"].dtype == INTEGER


@pytest.mark.parametrize("name", IMAGES)
def test_cifar_images_follow_the_image_data_format(keras, name):
    transposes = 'if backend.image_data_format() == "channels_last":' in source(name)
    assert transposes == datasets.DATASETS[name].channels
    assert ("x_train.transpose(0, 2, 3, 1)" in source(name)) == transposes
    last, first = facts(name)["x_train"].shape, facts(name, "channels_first")["x_train"].shape
    assert first == ((last[0], last[3], last[1], last[2]) if transposes else last)


def test_imdb_matches_its_docstring(keras):
    doc, code = loader("imdb").__doc__, source("imdb")
    ours = facts("imdb")
    assert ours["x_train"].shape[0] == int(re.search(r"dataset of ([\d,]+) movies reviews", doc)[1].replace(",", ""))
    assert "lists of sequences" in doc and 'np.array(xs[:idx], dtype="object")' in code
    assert all(ours[k].ragged and ours[k].dtype == "object" and len(ours[k].shape) == 1 for k in ("x_train", "x_test"))
    assert "lists of integer labels (1 or 0)" in doc
    assert ours["y_train"].classes == ours["y_test"].classes == 2 and ours["y_train"].dtype == INTEGER


@pytest.mark.parametrize("name", ("imdb", "reuters"))
def test_maxlen_drops_sequences(keras, name):
    assert "if maxlen:" in source(name) and "remove_long_seq(maxlen" in source(name)
    ours = facts(name, maxlen=100)
    assert all(is_unknown(ours[k].shape[0]) for k in ours)
    assert ours["y_train"].classes is None and ours["y_test"].classes is None
    assert facts(name, maxlen=0)["x_train"].shape == facts(name)["x_train"].shape  # falsy: no filter


def test_reuters_matches_its_docstring_and_split(keras):
    doc, code = loader("reuters").__doc__, source("reuters")
    total = int(re.search(r"dataset of ([\d,]+) newswires", doc)[1].replace(",", ""))
    topics = int(re.search(r"labeled over (\d+) topics", doc)[1])
    assert topics == len(keras.datasets.reuters.get_label_names())
    assert "idx = int(len(xs) * (1 - test_split))" in code
    for split in (0.2, 0.1, 0.5, 0, 1.5):
        ours = facts("reuters", test_split=split)
        at = int(total * (1 - split))
        assert (ours["x_train"].shape[0], ours["x_test"].shape[0]) == (len(range(total)[:at]), len(range(total)[at:]))
        assert ours["y_train"].shape == ours["x_train"].shape
    assert facts("reuters")["y_train"].classes == topics
    assert facts("reuters")["y_test"].classes is None  # which topics reach the test split: undocumented
    assert facts("reuters", seed=1)["y_train"].classes is None


def test_boston_housing_matches_its_docstring_and_split(keras):
    doc, code = loader("boston_housing").__doc__, source("boston_housing")
    features = int(re.search(r"Samples contain (\d+) attributes", doc)[1])
    assert "x_train = np.array(x[: int(len(x) * (1 - test_split))])" in code
    assert "if not (0 <= test_split < 1):" in code
    ours = facts("boston_housing", test_split=0.25)
    total = datasets.DATASETS["boston_housing"].sizes
    assert ours["x_train"].shape == (int(total * 0.75), features)
    assert ours["x_test"].shape == (total - int(total * 0.75), features)
    assert ours["y_train"].shape == (int(total * 0.75),) and ours["y_train"].classes is None
    assert is_unknown(datasets.load("boston_housing", {"test_split": 1.0}, "channels_last"))
