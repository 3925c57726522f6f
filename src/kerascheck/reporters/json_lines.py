"""``--output-format json-lines``: one JSON object per diagnostic, with its path."""

from __future__ import annotations

import json

from kerascheck.report import FileReport
from kerascheck.reporters.json_report import diagnostic_json


def render(reports: list[FileReport], color: bool = False) -> str:
    return "\n".join(
        json.dumps({"path": r.path, **diagnostic_json(d)}, ensure_ascii=False) for r in reports for d in r.diagnostics
    )
