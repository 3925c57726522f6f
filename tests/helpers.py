"""Helpers for running kerascheck on inline sources in tests."""

from __future__ import annotations

import json
import textwrap

from kerascheck.analysis import Options, analyze_source
from kerascheck.reporters import json_report


def analyze(source: str, **options) -> dict:
    """kerascheck's JSON report (the ``files[0]`` entry) for an inline source."""
    report = analyze_source(textwrap.dedent(source), "snippet.py", Options(**options))
    return json.loads(json_report.render([report]))["files"][0]


def only_model(source: str, **options) -> dict:
    models = analyze(source, **options)["models"]
    assert len(models) == 1, [m["name"] for m in models]
    return models[0]
