"""The real-world benchmark (bench/realworld/): its manifests and truth files are well
formed, and score.py classifies kerascheck's models as its README defines.

The benchmark itself needs the fetched repositories and is not run here.
"""

from __future__ import annotations

import copy
import json
import tomllib

import pytest

from bench_modules import BENCH as ROOT, load

BENCH = ROOT / "realworld"


manifests = load("realworld", "manifests")
score = load("realworld", "score")
MANIFEST_FILES = sorted((BENCH / "manifest").glob("*.toml"))


def test_there_are_manifests():
    assert MANIFEST_FILES


@pytest.mark.parametrize("path", MANIFEST_FILES, ids=lambda p: p.stem)
def test_manifest_is_well_formed(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert manifests.problems(data, path.name) == []
    manifest = manifests.load(path)
    assert manifest.models


@pytest.mark.parametrize("path", MANIFEST_FILES, ids=lambda p: p.stem)
def test_truth_has_every_model(path):
    manifest = manifests.load(path)
    truth = json.loads(manifest.truth_path.read_text())
    assert truth["repo"] == manifest.repo
    assert truth["commit"] == manifest.commit
    assert sorted(truth["models"]) == sorted(m.id for m in manifest.models)
    for model in truth["models"].values():
        for key in ("kind", "layers", "total_params", "trainable_params", "non_trainable_params"):
            assert key in model
        assert model["total_params"] == model["trainable_params"] + model["non_trainable_params"]
        for row in model["layers"]:
            assert set(row) >= {"name", "class", "output_shape", "params", "trainable_params", "non_trainable_params"}


def test_problems_are_found():
    data = {
        "repo": "a/b", "commit": "x" * 40, "era": "keras4",
        "models": [
            {"id": "m", "path": "m.py", "line": "3", "reached": "", "static": True, "driver": "net = 1"},
            {"id": "m", "path": "m.py", "line": 3, "reached": "", "static": True, "driver": "model = 1", "extra": 1},
        ],
    }
    found = "\n".join(manifests.problems(data, "a+c.toml"))
    for part in ("file name", "commit:", "era:", "models[0].line", "never assigns `model`", "models[1].id", "unknown keys ['extra']"):
        assert part in found


# ---------------------------------------------------------------- classification
def _row(cls="Conv2D", shape=(None, 8, 8, 4), trainable=40, non_trainable=0):
    return {
        "name": cls.lower(), "class": cls, "output_shape": list(shape) if shape is not None else None,
        "params": None if trainable is None or non_trainable is None else trainable + non_trainable,
        "trainable_params": trainable, "non_trainable_params": non_trainable,
    }


def _model(rows, kind="functional", name="functional"):
    known = all(r["params"] is not None for r in rows)
    trainable = sum(r["trainable_params"] for r in rows) if known else None
    non_trainable = sum(r["non_trainable_params"] for r in rows) if known else None
    return {
        "name": name, "kind": kind, "line": 5, "layers": rows,
        "total_params": trainable + non_trainable if known else None,
        "trainable_params": trainable, "non_trainable_params": non_trainable,
    }


TRUTH = _model([_row(), _row("Flatten", (None, 256), 0), _row("Dense", (None, 10), 2570)])


def test_exact():
    verdict = score.classify(TRUTH, copy.deepcopy(TRUTH))
    assert (verdict.kind, verdict.layers_exact, verdict.layers) == ("exact", 3, 3)


def test_wrong_shape():
    got = copy.deepcopy(TRUTH)
    got["layers"][1]["output_shape"] = [None, 255]
    verdict = score.classify(TRUTH, got)
    assert verdict.kind == "wrong"
    assert "row 1" in verdict.detail and "axis 1" in verdict.detail
    assert verdict.layers_exact == 2


def test_wrong_total():
    got = copy.deepcopy(TRUTH)
    got["total_params"] += 1
    verdict = score.classify(TRUTH, got)
    assert verdict.kind == "wrong" and verdict.detail.startswith("total_params")


def test_wrong_row_count_when_the_totals_are_given():
    got = copy.deepcopy(TRUTH)
    del got["layers"][1]
    assert score.classify(TRUTH, got).kind == "wrong"


def test_unknown_dimension_is_never_wrong():
    got = copy.deepcopy(TRUTH)
    got["layers"][0]["output_shape"] = [None, "?", 8, 4]
    verdict = score.classify(TRUTH, got)
    assert verdict.kind == "unknown" and "row 0" in verdict.detail
    assert verdict.layers_exact == 2


def test_unknown_counts_and_rows_are_never_wrong():
    got = _model([_row(trainable=None), _row("Flatten", None, 0)])
    got["unknown_reason"] = "filters is unknown"
    verdict = score.classify(TRUTH, got)
    assert verdict.kind == "unknown" and "filters is unknown" in verdict.detail


def test_a_known_value_next_to_an_unknown_one_can_be_wrong():
    got = copy.deepcopy(TRUTH)
    got["layers"][0]["output_shape"] = ["?", 8, 8, 5]
    got["total_params"] = got["trainable_params"] = None
    assert score.classify(TRUTH, got).kind == "wrong"


def test_missed():
    verdict = score.classify(TRUTH, score.pick([], 5, TRUTH))
    assert (verdict.kind, verdict.layers_exact, verdict.layers) == ("missed", 0, 3)


def test_shapes_of_several_outputs():
    assert score.shape_difference([[None, 2], [None, 3]], [[None, 2], [None, "?"]]) is None
    assert score.shape_difference([[None, 2], [None, 3]], [[None, 2], [None, 4]]) == "output 1 axis 1"
    assert score.shape_difference([[None, 2], [None, 3]], [None, 2]) == "outputs"
    assert score.shape_difference([None, 2], None) is None


def test_pick_prefers_the_kind_and_name_of_keras():
    helper = _model([_row()], kind="sequential", name="sequential_3")
    outer = _model([_row()], kind="subclassed", name="res_net")
    other = _model([_row()], kind="functional", name="functional_1")
    truth = _model([_row()], kind="subclassed", name="res_net")
    assert score.pick([outer, helper, other], 5, truth) is outer
    assert score.pick([other, helper], 5, truth) is helper  # none of its kind: the last
    assert score.pick([other, helper], 6, truth) is None
    with_context = dict(other, context="build(3) at line 9")
    assert score.pick([with_context, helper], 5, truth, context="build(3)") is with_context
