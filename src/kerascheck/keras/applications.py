"""``keras.applications`` constructors called from the analysed code.

``ResNet50(include_top=False, input_tensor=x)`` in a user's file builds the
architecture that the installed Keras's ``keras/src/applications/resnet.py``
defines.  kerascheck does not model those forty architectures: it reads that
source (as data, never importing Keras) and runs the constructor like the
project's own code, so every argument (``include_top``, ``pooling``, ``alpha``,
``input_tensor``...) and every ``weights`` difference Keras's source makes
(EfficientNet's extra ``Rescaling``) comes out as Keras builds it.

Which source defines a public name is read from Keras's generated API files
(``keras/applications/resnet50/__init__.py``: ``from
keras.src.applications.resnet import ResNet50 as ResNet50``).  Without an
installed Keras 3 there is no source: the constructor's result is unknown.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

from kerascheck.interpreter.library import Source

PACKAGE = "keras.applications"
SOURCE_PACKAGE = "keras.src.applications"
#: ``from keras.src.applications.resnet import ResNet50 as ResNet50`` in an API file (a long one in parentheses)
EXPORT = re.compile(r"^from keras\.src\.applications\.(\w+) import \(?\s*(\w+) as (\w+),?\s*\)?$", re.MULTILINE)
MISSING_KERAS = "keras.applications is read from the installed Keras 3's source, and Keras 3 is not installed"


@functools.cache
def keras_root() -> Path | None:
    """The folder of the installed ``keras`` package (found, not imported); None
    when there is none or it is not Keras 3 (no ``src/applications``)."""
    try:
        spec = importlib.util.find_spec("keras")
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        root = Path(location)
        if (root / "src" / "applications").is_dir() and (root / "applications").is_dir():
            return root
    return None


@functools.cache
def constructors() -> dict[str, Source]:
    """Each public constructor's dotted name (``keras.applications.ResNet50``,
    ``keras.applications.resnet50.ResNet50``) and the source that defines it."""
    root = keras_root()
    if root is None:
        return {}
    found: dict[str, Source] = {}
    for api in sorted((root / "applications").rglob("__init__.py")):
        try:
            text = api.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        package = ".".join([PACKAGE, *api.parent.relative_to(root / "applications").parts])
        for module, name, alias in EXPORT.findall(text):
            path = root / "src" / "applications" / f"{module}.py"
            if name[:1].isupper() and path.is_file():  # a model constructor, not preprocess_input
                found[f"{package}.{alias}"] = Source(f"{SOURCE_PACKAGE}.{module}", path, name)
    return found


def is_constructor_name(path: str) -> bool:
    """Whether ``path`` (canonical) names a ``keras.applications`` model constructor."""
    return path.startswith(PACKAGE + ".") and path.rpartition(".")[2][:1].isupper()
