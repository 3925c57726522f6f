"""``--output-format table``: a Keras-style ``model.summary()`` per model."""

from __future__ import annotations

from kerascheck.catalog.base import format_shape
from kerascheck.report import FileReport, ModelReport
from kerascheck.reporters.text import files_checked

HEADER = ("Layer (type)", "Output Shape", "Param #")


def count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def render_model(path: str, model: ModelReport, explain: bool) -> list[str]:
    rows = [
        (f"{layer.name} ({layer.class_name})", format_shape(layer.output_shape), count(layer.params), layer)
        for layer in model.layers
    ]
    texts = [row[:3] for row in rows]
    widths = [max([len(HEADER[i])] + [len(t[i]) for t in texts]) for i in range(3)]
    line = "─" * (widths[0] + widths[1] + widths[2] + 6)
    heading = f"{path}:{model.line}  {model.name} ({model.kind})"
    if model.context:
        heading += f"  {model.context}" if model.context.startswith("only if") else f"  built by {model.context}"
    out = [heading, line, f"{HEADER[0]:<{widths[0]}}   {HEADER[1]:<{widths[1]}}   {HEADER[2]:>{widths[2]}}", line]
    for name, shape, params, layer in rows:
        out.append(f"{name:<{widths[0]}}   {shape:<{widths[1]}}   {params:>{widths[2]}}")
        if explain:
            out.extend(f"    {text}" for text in layer.explain)
        if layer.unknown_reason and (explain or layer.params is None):
            out.append(f"    ? {layer.unknown_reason}")
    out.append(line)
    out.append(f"Total params: {count(model.total)}")
    out.append(f"Trainable params: {count(model.trainable)}")
    out.append(f"Non-trainable params: {count(model.non_trainable)}")
    if model.total is None and model.unknown_reason:
        out.append(f"Totals unknown: {model.unknown_reason}")
    return out


def render(reports: list[FileReport], explain: bool = False) -> str:
    blocks = []
    for report in reports:
        for model in report.models:
            blocks.append("\n".join(render_model(report.path, model, explain)))
        for d in report.diagnostics:
            blocks.append(f"{report.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity}] {d.message}")
    if not blocks:
        return f"No Keras models found ({files_checked(reports)})." if reports else "No files checked."
    return "\n\n".join(blocks)
