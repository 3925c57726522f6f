"""The spellings of the Keras package: ``tensorflow.keras``, ``tf_keras``,
``keras_core``, ``keras.src``... are all ``keras``."""

from __future__ import annotations

from kerascheck.interpreter.values import Ref

KERAS_PREFIXES = (
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras_core", "keras"),  # the Keras 3 preview package
    ("keras_applications", "keras.applications"),  # Keras 2's applications, a package of their own
    ("keras.src", "keras"),
    ("keras.initializations", "keras.initializers"),  # Keras 1's name
)


def canonical(path: str) -> str:
    """Map every spelling of the Keras package onto ``keras``."""
    for prefix, replacement in KERAS_PREFIXES:
        if path == prefix or path.startswith(prefix + "."):
            return replacement + path[len(prefix):]
    return path


def is_keras(value: object) -> bool:
    """Whether ``value`` is a name of the Keras package (after ``canonical``)."""
    return isinstance(value, Ref) and (value.path == "keras" or value.path.startswith("keras."))
