"""``--output-format json``: the stable, versioned schema other tools read."""

from __future__ import annotations

import json
from typing import Any

from kerascheck.diagnostics import Diagnostic, Location
from kerascheck.report import FileReport, LayerReport, ModelReport
from kerascheck.unknown import is_unknown


def shape_json(shape: Any) -> Any:
    """A shape as JSON: ``[null, 8, 8, 32]``; an unknown dim is ``"?"``; unknown shape ``null``."""
    if is_unknown(shape) or shape is None:
        return None
    if isinstance(shape, list):
        return [shape_json(s) for s in shape]
    return ["?" if is_unknown(d) else d for d in shape]


def layer_json(layer: LayerReport) -> dict[str, Any]:
    out = {
        "name": layer.name,
        "class": layer.class_name,
        "line": layer.line,
        "output_shape": shape_json(layer.output_shape),
        "params": layer.params,
        "trainable_params": layer.trainable,
        "non_trainable_params": layer.non_trainable,
    }
    if layer.unknown_reason and (layer.params is None or layer.output_shape is None or is_unknown(layer.output_shape)):
        out["unknown_reason"] = layer.unknown_reason
    return out


def model_json(model: ModelReport) -> dict[str, Any]:
    out = {
        "name": model.name,
        "line": model.line,
        "kind": model.kind,
        "layers": [layer_json(layer) for layer in model.layers],
        "total_params": model.total,
        "trainable_params": model.trainable,
        "non_trainable_params": model.non_trainable,
    }
    if model.context:
        out["context"] = model.context
    if model.total is None and model.unknown_reason:
        out["unknown_reason"] = model.unknown_reason
    return out


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    out: dict[str, Any] = {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": diagnostic.message,
        "fix": diagnostic.fix,
    }
    if diagnostic.related:  # found through another file: the calls from it, first to last
        out["related"] = [location_json(location) for location in diagnostic.related]
    return out


def location_json(location: Location) -> dict[str, Any]:
    span = location.span
    return {
        "path": location.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": location.message,
    }


def render(reports: list[FileReport], explain: bool = False) -> str:
    files = [
        {
            "path": report.path,
            "models": [model_json(m) for m in report.models],
            "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
        }
        for report in reports
    ]
    return json.dumps({"version": 1, "files": files}, indent=2)
