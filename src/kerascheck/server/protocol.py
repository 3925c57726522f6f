"""An analysed buffer as the Language Server Protocol shows it: diagnostics, inlay
hints, hover text and code lenses, from the ``FileReport`` of one text.

Positions: a ``Span`` is 1-based with columns in code points (as the command
line prints them); LSP positions are 0-based with columns in the units the
client and server agreed on (UTF-16 unless the client offers another).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from lsprotocol import types

from kerascheck.catalog.base import format_shape
from kerascheck.diagnostics import Diagnostic, Span
from kerascheck.report import FileReport, LayerReport, ModelReport
from kerascheck.reporters.table import count, render_model
from kerascheck.reporters.text import source_lines

SOURCE = "kerascheck"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
#: how many layers one inlay hint names when several end on the same line
MAX_HINTED = 3
#: how many layers or models one hover shows
MAX_HOVERED = 10


class Lines:
    """A text's lines, to convert columns between code points and the client's units."""

    def __init__(self, source: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.lines = source_lines(source)
        self.encoding = encoding

    def text(self, line: int) -> str:
        """Line ``line`` (0-based); "" past the end."""
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def units(self, text: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(text)
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(text.encode("utf-8"))
        return len(text.encode("utf-16-le")) // 2

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of 0-based ``line`` and code-point ``column``."""
        return types.Position(line, self.units(self.text(line)[:column]))

    def column(self, position: types.Position) -> int:
        """The code-point column of an LSP position."""
        text, units = self.text(position.line), 0
        for index, char in enumerate(text):
            if units >= position.character:
                return index
            units += self.units(char)
        return len(text)

    def range(self, span: Span) -> types.Range:
        return types.Range(
            self.position(span.line - 1, span.column - 1), self.position(span.end_line - 1, span.end_column - 1)
        )

    def end_of_line(self, line: int) -> types.Position:
        return types.Position(line, self.units(self.text(line)))


def rule_anchor(code: str, name: str) -> str:
    """The anchor of a rule's section in ``docs/rules.md``."""
    return f"#{code.lower()}-{name}"


def diagnostic(d: Diagnostic, lines: Lines, docs: Path | None) -> types.Diagnostic:
    """A diagnostic as the CLI reports it: same span, code, severity and message
    (the fix, when there is one, on a line of its own); the fix's edits, when
    it has some, in its ``data`` (``fix_edits`` reads them back)."""
    message = d.message if not d.fix else f"{d.message}\nFix: {d.fix}"
    description = types.CodeDescription(href=docs.as_uri() + rule_anchor(d.code, d.name)) if docs else None
    data = None
    if d.edits:
        data = {"edits": [[*_corners(lines.range(e.span)), e.text] for e in d.edits], "fix": d.fix}
    return types.Diagnostic(
        range=lines.range(d.span),
        message=message,
        severity=SEVERITY[d.severity],
        code=d.code,
        code_description=description,
        source=SOURCE,
        data=data,
    )


def _corners(r: types.Range) -> list[int]:
    return [r.start.line, r.start.character, r.end.line, r.end.character]


def fix_edits(d: types.Diagnostic) -> list[types.TextEdit]:
    """The edits of a diagnostic's fix (``diagnostic`` put them in its data)."""
    data = d.data if isinstance(d.data, dict) else {}
    edits = []
    for *corners, text in data.get("edits", []):
        start_line, start, end_line, end = corners
        edits.append(types.TextEdit(types.Range(types.Position(start_line, start), types.Position(end_line, end)), text))
    return edits


def diagnostics(report: FileReport, lines: Lines, docs: Path | None) -> list[types.Diagnostic]:
    """The document's own diagnostics (not those placed in a module it imports: that module's document has them)."""
    own = [d for d in report.diagnostics if d.path is None]
    ordered = sorted(own, key=lambda d: (d.span.line, d.span.column, d.code))
    return [diagnostic(d, lines, docs) for d in ordered]


# ------------------------------------------------------------------ shapes and counts
def layer_label(layer: LayerReport) -> str:
    """``(None, 8, 8, 32) · 1,568``: output shape and parameters, ``?`` where unknown."""
    return f"{format_shape(layer.output_shape)} · {count(layer.params)}"


def _layers(report: FileReport) -> Iterator[tuple[ModelReport, LayerReport]]:
    for model in report.models:
        for layer in model.layers:
            if layer.span is not None:
                yield model, layer


def inlay_hints(report: FileReport, lines: Lines, first: int, last: int) -> list[types.InlayHint]:
    """At the end of the line where each layer's call ends (0-based lines ``first``
    to ``last``): its output shape and parameter count.  Layers created by calls
    ending on the same line share a hint, each named when they differ; a call
    that creates several layers (in a loop, a helper) shows each distinct row."""
    by_line: dict[int, dict[tuple[str, str], None]] = {}
    for _, layer in _layers(report):
        assert layer.span is not None
        line = layer.span.end_line - 1
        if first <= line <= last:
            by_line.setdefault(line, {})[(layer.name, layer_label(layer))] = None
    hints = []
    for line, rows in sorted(by_line.items()):
        labels = list(dict.fromkeys(label for _, label in rows))
        if len(labels) == 1:
            text = f"→ {labels[0]}"
        else:
            named = [f"{name} {label}" for name, label in rows]
            text = "→ " + "; ".join(named[:MAX_HINTED]) + ("; …" if len(named) > MAX_HINTED else "")
        hints.append(types.InlayHint(position=lines.end_of_line(line), label=text, kind=types.InlayHintKind.Type,
                                     padding_left=True))
    return hints


def _contains(span: Span, line: int, column: int) -> bool:
    """Whether 1-based ``line`` and ``column`` lie in ``span`` (its end included)."""
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def _size(span: Span) -> tuple[int, int]:
    return span.end_line - span.line, span.end_column - span.column


def hover(report: FileReport, lines: Lines, position: types.Position) -> types.Hover | None:
    """On a layer's call: its rows (one per model it is in) and how each shape and
    count is derived; on a model's creation: its summary (the innermost call wins,
    a model when it is the layers' call too, as ``VGG16(...)`` is)."""
    line, column = position.line + 1, lines.column(position) + 1
    layers = [(m, l, l.span) for m, l in _layers(report) if l.span is not None and _contains(l.span, line, column)]
    models = [(m, m.span) for m in report.models if m.span is not None and _contains(m.span, line, column)]
    if not layers and not models:
        return None
    innermost = min([_size(span) for *_, span in layers] + [_size(span) for _, span in models])
    if any(_size(span) == innermost for _, span in models):
        sections = [model_markdown(report.path, m) for m, span in models if _size(span) == innermost]
    else:
        sections = list(dict.fromkeys(layer_markdown(m, l) for m, l, span in layers if _size(span) == innermost))
    if len(sections) > MAX_HOVERED:
        sections = [*sections[:MAX_HOVERED], f"… and {len(sections) - MAX_HOVERED} more"]
    value = "\n\n---\n\n".join(sections)
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value))


def layer_markdown(model: ModelReport, layer: LayerReport) -> str:
    """A layer's row and derivation, as ``summary --explain`` prints them."""
    split = ""
    if layer.params is not None:
        split = f" ({count(layer.trainable)} trainable, {count(layer.non_trainable)} non-trainable)"
    out = [
        f"**{layer.name}** ({layer.class_name}) in `{model.name}`",
        "",
        f"output `{format_shape(layer.output_shape)}` · {count(layer.params)} params{split}",
    ]
    derivation = [*layer.explain]
    if layer.unknown_reason:
        derivation.append(f"? {layer.unknown_reason}")
    if derivation:
        out += ["", "```text", *derivation, "```"]
    return "\n".join(out)


def model_markdown(path: str, model: ModelReport) -> str:
    return "\n".join(["```text", *render_model(path, model, explain=False), "```"])


def model_title(model: ModelReport) -> str:
    """``sequential: 135,468 params (135,468 trainable, 0 non-trainable)``."""
    title = (
        f"{model.name}: {count(model.total)} params "
        f"({count(model.trainable)} trainable, {count(model.non_trainable)} non-trainable)"
    )
    if model.total is None and model.unknown_reason:
        title += f" — ? {model.unknown_reason}"
    return title


def code_lenses(report: FileReport, lines: Lines) -> list[types.CodeLens]:
    """On each model's creation line: its total, trainable and non-trainable parameters."""
    lenses = []
    for model in report.models:
        if model.span is None:
            continue
        start = lines.position(model.span.line - 1, model.span.column - 1)
        lenses.append(
            types.CodeLens(range=types.Range(start, start), command=types.Command(title=model_title(model), command=""))
        )
    return lenses
