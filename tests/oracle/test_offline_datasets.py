"""The offline ``keras.datasets`` the oracle runs fixtures with: no network, the
shapes the Keras docstrings' own examples assert, and arrays that agree with
kerascheck's facts (labels covering every class it counts)."""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap

import numpy as np
import pytest

from kerascheck.keras import datasets
from kerascheck.libraries.numpy_arrays import INTEGER
from offline_datasets import MODULE_PREFIXES, offline_datasets

CALLS = [
    ("mnist", {}),
    ("fashion_mnist", {}),
    ("cifar10", {}),
    ("cifar100", {"label_mode": "coarse"}),
    ("imdb", {"num_words": 5000}),
    ("imdb", {"maxlen": 8}),
    ("reuters", {"test_split": 0.3}),
    ("boston_housing", {}),
]


@pytest.fixture
def offline(keras, monkeypatch):
    """The stand-ins, with every real download failing loudly."""

    def no_network(*args, **kwargs):
        raise AssertionError("the offline datasets touched the network")

    for name in datasets.DATASETS:
        monkeypatch.setattr(f"keras.src.datasets.{name}.get_file", no_network)
    with offline_datasets(keras):
        yield


@pytest.mark.parametrize("name", ("mnist", "fashion_mnist", "cifar10", "cifar100"))
def test_the_docstring_examples_hold(keras, offline, name):
    code = inspect.getsource(importlib.import_module(f"keras.src.datasets.{name}"))
    example = textwrap.dedent(re.search(r"```python\n(.*?)```", code, re.DOTALL)[1])
    assert "load_data()" in example and "assert x_train.shape ==" in example
    exec(example, {"keras": keras, name: getattr(keras.datasets, name)})


@pytest.mark.parametrize("name, arguments", CALLS, ids=[f"{n}-{a}" for n, a in CALLS])
def test_stand_ins_agree_with_kerascheck(keras, offline, name, arguments):
    loaded = getattr(keras.datasets, name).load_data(**arguments)
    dataset = datasets.DATASETS[name]
    expected = datasets.load(name, {**dataset.parameters, **arguments}, keras.config.image_data_format())
    for (x, y), (fx, fy) in zip(loaded, expected):
        for real, fact in ((x, fx), (y, fy)):
            assert all(isinstance(d, int) is False or d == r for d, r in zip(fact.shape, real.shape))
            assert len(real.shape) == len(fact.shape)
            if isinstance(fact.dtype, str) and fact.dtype != INTEGER:
                assert real.dtype == fact.dtype
        if fy.classes is not None:
            assert np.max(y) + 1 == len(np.unique(y)) == fy.classes
        if fx.ragged:
            assert all(isinstance(s, list) and 0 < len(s) < (arguments.get("maxlen") or 11) for s in x)


def test_the_real_loaders_come_back(keras):
    originals = [importlib.import_module(f"{p}.mnist").load_data for p in MODULE_PREFIXES]
    with offline_datasets(keras):
        assert keras.datasets.mnist.load_data is not originals[0]
    assert [importlib.import_module(f"{p}.mnist").load_data for p in MODULE_PREFIXES] == originals
