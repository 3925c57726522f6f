"""``keras.datasets`` without the network, for running fixtures with real Keras.

``offline_datasets(keras)`` replaces every modelled ``load_data`` with a
stand-in that returns arrays of the shapes and dtypes kerascheck's own table
(``kerascheck.keras.datasets``) gives for the same arguments: zeros for
the samples, labels covering every class (``np.arange(n) % classes``), short
word-index lists for IMDB and Reuters.  There is one table; it is checked
against Keras's dataset docstrings and code by
``tests/interpreter/test_dataset_facts.py``, and the stand-in against the
docstrings' examples by ``tests/oracle/test_offline_datasets.py``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
from typing import Any, Callable, Iterator

import numpy as np

from kerascheck.keras import datasets
from kerascheck.libraries.numpy_arrays import INTEGER, Array
from kerascheck.unknown import is_unknown

#: the sample count used where kerascheck says the data decides (``maxlen`` filtering)
DATA_DEPENDENT_SIZE = 1000
#: where ``load_data`` lives in Keras 3 (``tf.keras`` resolves to the first)
MODULE_PREFIXES = ("keras.datasets", "keras.src.datasets")


def materialise(array: Array, classes: int | None, maxlen: Any) -> np.ndarray:
    """A NumPy array matching ``array``; ``classes`` gives labels their values."""
    shape = tuple(d if isinstance(d, int) else DATA_DEPENDENT_SIZE for d in array.shape)
    if array.ragged:
        longest = min(10, maxlen - 1) if maxlen else 10  # load_data keeps len < maxlen
        out = np.empty(shape, dtype=object)
        for i in range(shape[0]):
            out[i] = [1] + [4 + i % 50] * (i % longest)
        return out
    if classes is not None:
        dtype = "int64" if array.dtype == INTEGER or not isinstance(array.dtype, str) else array.dtype
        return (np.arange(int(np.prod(shape))) % classes).astype(dtype).reshape(shape)
    return np.zeros(shape, dtype=array.dtype if isinstance(array.dtype, str) else "float64")


def stand_in(keras, name: str, real: Callable) -> Callable:
    """A ``load_data`` with ``real``'s signature that builds the arrays offline."""
    signature = inspect.signature(real)
    nominal = next((c for c in datasets.DATASETS[name].classes if c is not None), None)

    def load_data(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = {k: v for k, v in bound.arguments.items() if k != "kwargs"}
        facts = datasets.load(name, arguments, keras.config.image_data_format())
        if is_unknown(facts):
            raise ValueError(f"{name}.load_data{bound}: {facts.reason}")
        maxlen = arguments.get("maxlen")
        return tuple(
            (materialise(x, None, maxlen), materialise(y, y.classes or nominal, maxlen)) for x, y in facts
        )

    return load_data


@contextlib.contextmanager
def offline_datasets(keras) -> Iterator[None]:
    """Every modelled ``keras.datasets.NAME.load_data`` replaced by its stand-in."""
    patched: list[tuple[Any, Callable]] = []
    try:
        for name in datasets.DATASETS:
            for prefix in MODULE_PREFIXES:
                module = importlib.import_module(f"{prefix}.{name}")
                patched.append((module, module.load_data))
                module.load_data = stand_in(keras, name, module.load_data)
        yield
    finally:
        for module, original in reversed(patched):
            module.load_data = original
