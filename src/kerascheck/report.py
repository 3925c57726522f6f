"""What the analysis of a file reports: its models, their layers, and its diagnostics.

The reporters and the command line read these; importing this module loads
neither libcst nor the interpreter nor the layer catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kerascheck.diagnostics import Diagnostic, Span


@dataclass
class LayerReport:
    name: str
    class_name: str
    line: int
    output_shape: Any  # a shape tuple, a list of them, or Unknown
    trainable: int | None
    non_trainable: int | None
    explain: list[str]
    unknown_reason: str = ""
    span: Span | None = None  # the layer's constructor call (``line`` is its first line)

    @property
    def params(self) -> int | None:
        return both(self.trainable, self.non_trainable)


@dataclass
class ModelReport:
    name: str
    kind: str
    line: int
    context: str
    layers: list[LayerReport]
    trainable: int | None
    non_trainable: int | None
    unknown_reason: str = ""
    span: Span | None = None  # the call that creates the model (``line`` is its first line)

    @property
    def total(self) -> int | None:
        return both(self.trainable, self.non_trainable)


@dataclass
class FileReport:
    path: str
    models: list[ModelReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str = ""  # the text analysed ("" when it could not be read)
    #: whether the file was read and analysed (not: unreadable, too large, not a regular file…)
    analysed: bool = True
    #: the names of ``Options.input_shapes`` that matched a function or model here
    input_shapes_used: set[str] = field(default_factory=set)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def both(trainable: int | None, non_trainable: int | None) -> int | None:
    """A parameter total: unknown when either part is."""
    return None if trainable is None or non_trainable is None else trainable + non_trainable
