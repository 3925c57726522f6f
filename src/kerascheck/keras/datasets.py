"""What ``keras.datasets.NAME.load_data()`` returns, as built-in facts, and the
Keras data utilities (``to_categorical``, ``pad_sequences``) on NumPy arrays.

Each entry is checked against the docstring and code of
``keras/src/datasets/NAME.py`` by ``tests/interpreter/test_dataset_facts.py``.
Two sizes are facts of the data files that the docstrings do not state:
Boston Housing's 506 samples and IMDB's 25,000 test reviews.  What depends on
the data itself (how many reviews are shorter than ``maxlen``, the longest
sequence, a pixel's value) stays unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kerascheck.interpreter.values import Arguments
from kerascheck.libraries.numpy_arrays import INTEGER, Array, Scalar, dtype_of, is_int, of_values
from kerascheck.unknown import Unknown, contains_unknown, is_unknown


@dataclass(frozen=True)
class Dataset:
    """One dataset: ``sizes`` is (train, test), or the total that ``test_split``
    divides; ``classes`` is (train, test), each the labels' ``max + 1`` with
    every label present, or None; a dtype of None is not known."""

    parameters: dict[str, Any]  # load_data's parameters and defaults, in order
    sizes: tuple[int, int] | int
    x: tuple[int, ...]  # one sample, channels_last
    x_dtype: str | None
    y: tuple[int, ...]  # one label
    y_dtype: str | None  # "integer": documented as integers, of unknown width
    classes: tuple[int | None, int | None]
    channels: bool = False  # images follow keras.config.image_data_format()

    @property
    def ragged(self) -> bool:
        return self.x_dtype == "object"


_SEQUENCES = {"path": None, "num_words": None, "skip_top": 0, "maxlen": None}
_TOKENS = {"start_char": 1, "oov_char": 2, "index_from": 3}

DATASETS: dict[str, Dataset] = {
    "mnist": Dataset({"path": "mnist.npz"}, (60000, 10000), (28, 28), "uint8", (), "uint8", (10, 10)),
    "fashion_mnist": Dataset({}, (60000, 10000), (28, 28), "uint8", (), "uint8", (10, 10)),
    "cifar10": Dataset({}, (50000, 10000), (32, 32, 3), "uint8", (1,), "uint8", (10, 10), channels=True),
    # cifar100's labels are reshaped from a pickled list: integers, not the uint8 its docstring says
    "cifar100": Dataset({"label_mode": "fine"}, (50000, 10000), (32, 32, 3), "uint8", (1,), INTEGER, (100, 100), channels=True),
    "imdb": Dataset(
        {**_SEQUENCES, "path": "imdb.npz", "seed": 113, **_TOKENS}, (25000, 25000), (), "object", (), INTEGER, (2, 2)
    ),
    # which topics reach the test split is not documented: its class count stays unknown
    "reuters": Dataset(
        {**_SEQUENCES, "path": "reuters.npz", "test_split": 0.2, "seed": 113, **_TOKENS}, 11228, (), "object", (), INTEGER, (46, None)
    ),
    "boston_housing": Dataset({"path": "boston_housing.npz", "test_split": 0.2, "seed": 113}, 506, (13,), None, (), None, (None, None)),
}
CIFAR100_CLASSES = {"fine": 100, "coarse": 20}


def bind(dataset: Dataset, arguments: Arguments) -> dict[str, Any]:
    """``load_data``'s arguments by name, defaults filled in; all unknown after ``**unknown``."""
    args, kwargs = arguments.positional, arguments.keywords
    if arguments.opaque:
        return {name: Unknown("an argument passed through *args/**kwargs") for name in dataset.parameters}
    bound = {**dataset.parameters, **dict(zip(dataset.parameters, args))}
    bound.update((k, v) for k, v in kwargs.items() if k in dataset.parameters)
    return bound


def load(name: str, arguments: dict[str, Any], data_format: Any) -> Any:
    """``((x_train, y_train), (x_test, y_test))`` for bound ``arguments``."""
    dataset = DATASETS.get(name)
    if dataset is None:
        return Unknown(f"keras.datasets.{name} is not modelled")
    classes: list[int | None] = list(dataset.classes)
    if name == "cifar100":
        mode = arguments["label_mode"]
        if not is_unknown(mode) and (not isinstance(mode, str) or mode not in CIFAR100_CLASSES):
            return Unknown("load_data() raises for this label_mode")
        classes = [None, None] if is_unknown(mode) else [CIFAR100_CLASSES[mode]] * 2
    split = arguments.get("test_split")
    if name == "boston_housing" and isinstance(split, (int, float)) and not 0 <= split < 1:
        return Unknown("load_data() raises for this test_split")
    sizes = _sizes(dataset, arguments)
    if not isinstance(sizes[0], int) or _resplit(dataset, arguments):
        classes = [None, None]  # labels of a subset: which are present depends on the data
    x = dataset.x
    if dataset.channels:
        if is_unknown(data_format) or data_format not in ("channels_last", "channels_first"):
            return Unknown("the image data format is not known")
        if data_format == "channels_first":
            x = (x[-1], *x[:-1])
    return tuple(
        (
            Array((size, *x), dataset.x_dtype or Unknown("dtype"), ragged=dataset.ragged),
            Array((size, *dataset.y), dataset.y_dtype or Unknown("dtype"), count),
        )
        for size, count in zip(sizes, classes)
    )


def _sizes(dataset: Dataset, arguments: dict[str, Any]) -> Any:
    """(train, test) sample counts; dimensions unknown where the data decides."""
    if "maxlen" in arguments:
        maxlen = arguments["maxlen"]
        if is_unknown(maxlen) or maxlen:  # sequences longer than maxlen are dropped
            return (Unknown("depends on the data"), Unknown("depends on the data"))
    if isinstance(dataset.sizes, tuple):
        return dataset.sizes
    split = arguments["test_split"]
    if is_unknown(split) or isinstance(split, bool) or not isinstance(split, (int, float)):
        return (Unknown("test_split is not known"), Unknown("test_split is not known"))
    samples = range(dataset.sizes)
    at = int(len(samples) * (1 - split))  # Keras's own split, slices included
    return (len(samples[:at]), len(samples[at:]))


def _resplit(dataset: Dataset, arguments: dict[str, Any]) -> bool:
    """Whether a dataset split by ``test_split`` is split otherwise than by default."""
    return not isinstance(dataset.sizes, tuple) and any(
        contains_unknown(arguments[k]) or arguments[k] != dataset.parameters[k] for k in ("test_split", "seed")
    )


def call(path: str, arguments: Arguments, data_format: Any) -> Any:
    """A Keras data function (``load_data``, ``to_categorical``, ``pad_sequences``),
    or ``NOT_DATA`` if ``path`` is none of them."""
    parts = path.split(".")
    if parts[-1] == "to_categorical":
        return to_categorical(arguments)
    if parts[-1] == "pad_sequences":
        return pad_sequences(arguments)
    if len(parts) == 4 and parts[1] == "datasets" and parts[3] == "load_data":
        dataset = DATASETS.get(parts[2])
        if dataset is None:
            return Unknown(f"keras.datasets.{parts[2]} is not modelled")
        return load(parts[2], bind(dataset, arguments), data_format)
    return NOT_DATA


# ------------------------------------------------------------- data utilities
def to_categorical(arguments: Arguments) -> Any:
    """``keras.utils.to_categorical(y, num_classes)`` (Keras 1: ``nb_classes``):
    one-hot rows; without a count, ``max(y) + 1``."""
    args, kwargs = arguments.positional, arguments.keywords
    labels = of_values(args[0] if args else kwargs.get("x", kwargs.get("y")))
    count = args[1] if len(args) > 1 else kwargs.get("num_classes", kwargs.get("nb_classes"))
    if not isinstance(labels, Array) or is_unknown(labels.shape) or labels.ragged or arguments.opaque:
        return Unknown("to_categorical() of unknown labels")
    shape = labels.shape
    if len(shape) > 1:
        if is_unknown(shape[-1]):
            return Unknown("to_categorical(): whether the last axis is 1 is not known")
        if shape[-1] == 1:
            shape = shape[:-1]
    if isinstance(count, Scalar) and isinstance(count.value, int):
        count = count.value
    if is_unknown(count):
        count = Unknown("the number of classes is not known")
    elif not count:
        count = labels.maximum + 1 if labels.maximum is not None else Unknown("max(y) + 1 depends on the data")
    elif not is_int(count) or (labels.maximum is not None and count <= labels.maximum):
        return Unknown("to_categorical() fails with this number of classes")
    dtype = dtype_of(kwargs["dtype"]) if "dtype" in kwargs else "float64"
    return Array((*shape, count), dtype)


def pad_sequences(arguments: Arguments) -> Any:
    """``pad_sequences(x, maxlen=N)``: ``(samples, N)``; without ``maxlen`` the
    longest sequence decides (unknown for data)."""
    args, kwargs = arguments.positional, arguments.keywords
    names = ("sequences", "maxlen", "dtype", "padding", "truncating", "value")
    bound = {**dict(zip(names, args)), **kwargs}
    sequences, maxlen = bound.get("sequences"), bound.get("maxlen")
    if not isinstance(sequences, Array) or is_unknown(sequences.shape) or arguments.opaque:
        return Unknown("pad_sequences() of unknown sequences")
    if sequences.ragged:
        rest: tuple = ()
    elif len(sequences.shape) >= 2:
        rest = sequences.shape[2:]
        maxlen = sequences.shape[1] if maxlen is None else maxlen
    else:
        return Unknown("pad_sequences() of an array that holds no sequences")
    if maxlen is None:
        maxlen = Unknown("the longest sequence depends on the data")
    elif not (is_int(maxlen) or is_unknown(maxlen)):
        return Unknown("pad_sequences() with an invalid maxlen")
    return Array((sequences.shape[0], maxlen, *rest), dtype_of(bound.get("dtype", "int32")))


NOT_DATA = object()
