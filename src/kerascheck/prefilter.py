"""Which files cannot build a Keras model, told from their text alone.

A file that never mentions Keras, nor imports a module of its project that
does (or imports one that does...), nor calls the layers a snippet uses
without importing them, cannot define a Keras model: it is skipped unparsed.
The analysis decides that exactly (``Project.reaches`` follows the imports as
the interpreter would); ``empty_report`` decides the plain case before libcst
and the interpreter are even imported, so a run over files without Keras code
costs little more than starting Python.  It only ever skips a file the
analysis would skip too: it follows every import its project's folders could
hold, and leaves any other file to the analysis.
"""

from __future__ import annotations

import re
from pathlib import Path

from kerascheck import suppression
from kerascheck.interpreter.imports import imported_modules, package_of, path_kind, project_root
from kerascheck.keras import third_party
from kerascheck.report import FileReport
from kerascheck.sources import NotRead, decode

MENTIONS_KERAS = re.compile(
    r"keras|tensorflow|\b(?:Sequential|Dense|Conv[123]D|LSTM|GRU|SimpleRNN|Embedding|Flatten"
    r"|MaxPooling[123]D|BatchNormalization|Convolution2D)\s*\("
)


def empty_report(path: str, data: bytes | NotRead) -> FileReport | None:
    """The report of the file ``path`` (as reported) with content ``data`` when it
    certainly builds no model and names no suppression (nothing to report): its
    text and nothing else; None when the analysis must decide."""
    if not isinstance(data, bytes):
        return None
    source = decode(data)
    if isinstance(source, NotRead) or MENTIONS_KERAS.search(source) or suppression.MENTIONS.search(source):
        return None
    return FileReport(path, source=source) if not may_import_project(source, path) else None


def may_import_project(source: str, path: str) -> bool:
    """Whether ``source``, the file at ``path``, imports a module that may be of its
    project (a file or folder of that name in one of the folders its imports are
    searched in) or of a third-party package the libraries read from source."""
    try:
        file = Path(path).resolve()
        if path_kind(file) != "file":
            return False  # not a file on disk: it has no project (``Project.of``)
    except (OSError, ValueError):
        return True
    package, top = package_of(file.parent)
    root = project_root(file.parent)
    roots = [file.parent, top, *((root, root / "src") if root is not None else ())]
    for name in imported_modules(source, package):
        if name.partition(".")[0] in third_party.PACKAGES:
            return True
        base = Path(*name.split("."))
        if any(path_kind(r / base.with_name(base.name + ".py")) or path_kind(r / base) for r in roots):
            return True
    return False
