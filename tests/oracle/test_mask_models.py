"""Differential test of Keras masks: generated models, each exact or unknown, never wrong.

``mask_models.source(seed)`` writes a small Functional model mixing
``Embedding(mask_zero=True)`` and ``Masking`` with layers that pass, drop,
merge or compute masks.  Keras builds it; kerascheck must report every model
either exactly as Keras does (rows with their names, classes, shapes and
counts, in Keras's order, and the totals: the mask operations included) or
unknown: names reported unknown (``?``) with the rest exact, or the totals
unknown (with a reason), and then every row it does report under a known name
the Keras row of that name.  A floor on the exact
share keeps "unknown" from becoming the answer to everything.
"""

from __future__ import annotations

import json

import pytest

from kerascheck.analysis import Options, analyze_source
from kerascheck.reporters import json_report
from mask_models import source
from oracle_lib import KerasModel, compare, compare_model, record_keras

SEEDS = range(300)
#: the share of models kerascheck must report exactly (the rest unknown)
EXACT_FLOOR = 0.9


def kerascheck_models(text: str) -> list[dict]:
    report = analyze_source(text, "generated.py", Options())
    return json.loads(json_report.render([report]))["files"][0]["models"]


def wrong_in_unknown(expected: KerasModel, got: dict) -> list[str]:
    """What an unknown model still gets wrong: a row of a known name that is not
    Keras's row of that name (class, shape, counts where known)."""
    rows = {row.name: row for row in expected.rows}
    problems = []
    for row in got["layers"]:
        if row["name"] == "?":
            continue
        want = rows.get(row["name"])
        if want is None or want.cls != row["class"]:
            problems.append(f"row {row['name']} ({row['class']}): Keras has {want.cls if want else 'no such row'}")
            continue
        shape = row["output_shape"]
        if shape is not None and "?" not in str(shape) and shape != want.shape:
            problems.append(f"row {row['name']}: shape {shape}, Keras {want.shape}")
        if row["params"] is not None and row["params"] != want.params:
            problems.append(f"row {row['name']}: {row['params']} parameters, Keras {want.params}")
    return problems


def named_as_keras(expected: KerasModel, got: dict) -> tuple[dict, bool]:
    """``got`` with the names kerascheck reports unknown (``?``) taken from Keras's
    rows (paired by position when the row counts agree), and whether there were any."""
    if len(got["layers"]) != len(expected.rows):
        return got, False
    rows = [dict(row, name=want.name) if row["name"] == "?" else row for row, want in zip(got["layers"], expected.rows)]
    unknown = any(row["name"] == "?" for row in got["layers"]) or got["name"] == "?"
    return dict(got, layers=rows, name=expected.name if got["name"] == "?" else got["name"]), unknown


def judge(keras, seed: int, tmp_path) -> str:
    """'exact' or 'unknown'; a wrong report fails with the model's source and the differences."""
    text = source(seed)
    path = tmp_path / f"mask_model_{seed}.py"
    path.write_text(text)
    recording = record_keras(keras, path, free_memory=False)
    models = kerascheck_models(text)
    if len(models) != len(recording.models):
        problems = compare(recording, {"models": models}, allowed_unknown=set(), compare_lines=True)
        pytest.fail(f"seed {seed}: kerascheck is wrong\n{text}\n" + "\n".join(problems), pytrace=False)
    verdict, problems = "exact", []
    for expected, got in zip(recording.models, models):
        got, unknown_names = named_as_keras(expected, got)
        differences = compare_model(expected, got, allowed_unknown=set(), compare_lines=True)
        if differences and got["total_params"] is None and got.get("unknown_reason"):
            differences = wrong_in_unknown(expected, got)
            unknown_names = True
        problems += differences
        verdict = "unknown" if unknown_names else verdict
    if problems:
        pytest.fail(f"seed {seed}: kerascheck is wrong\n{text}\n" + "\n".join(problems), pytrace=False)
    return verdict


def test_generated_mask_models_are_exact_or_unknown(keras, tmp_path):
    verdicts = [judge(keras, seed, tmp_path) for seed in SEEDS]
    exact = verdicts.count("exact")
    assert exact >= EXACT_FLOOR * len(verdicts), f"only {exact} of {len(verdicts)} models exact"
