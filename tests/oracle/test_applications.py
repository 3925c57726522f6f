"""kerascheck on the installed keras/src/applications/vgg16.py and vgg19.py.

The files are read from site-packages at test time (never copied here).  They
define VGG16()/VGG19() and never call them, so kerascheck reports each function
once with its default arguments; real Keras builds them with weights=None (the
default "imagenet" only adds a download, not a shape).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from oracle_lib import ReportError, compare, file_report, record_keras, run_kerascheck

CASES = [("vgg16", "VGG16", 138_357_544), ("vgg19", "VGG19", 143_667_240)]


def application_file(name: str) -> Path:
    spec = importlib.util.find_spec("keras")
    root = Path(list(spec.submodule_search_locations)[0])
    return root / "src" / "applications" / f"{name}.py"


@pytest.mark.parametrize("name,builder,total", CASES, ids=[c[0] for c in CASES])
def test_vgg_matches_keras_applications(keras, capsys, name, builder, total):
    path = application_file(name)
    assert path.exists(), path
    recording = record_keras(keras, path, run=lambda: getattr(keras.applications, builder)(weights=None))
    assert [m.total for m in recording.models] == [total]
    try:
        _, report = run_kerascheck(path, capsys)
        entry = file_report(report, path)
    except ReportError as exc:
        pytest.fail(f"{path}: {exc}", pytrace=False)
    models = entry["models"]
    assert models, f"kerascheck finds no model in {path}"
    assert models[0]["total_params"] == total, f"total {models[0]['total_params']} != {total:,}"
    problems = compare(recording, entry, allowed_unknown=set(), compare_lines=True)
    if problems:
        pytest.fail(f"{path.name}: kerascheck disagrees with Keras 3\n\n" + "\n\n".join(problems), pytrace=False)
