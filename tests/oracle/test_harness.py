"""The oracle's own checks: fixtures run under real Keras, marks and twins are honest,
and the comparison really catches differences (none of this needs kerascheck)."""

from __future__ import annotations

import copy
import runpy

import pytest

from oracle_lib import (
    FIXTURES,
    TWIN_SUFFIX,
    check_schema,
    compare,
    fixture_files,
    fixture_params,
    fixture_recording,
    lines_aligned,
    record_keras,
    legacy_intent,
    stale_marks,
    twin_of,
    unknown_lines,
    unknown_promise,
)

PATHS = fixture_files()
TWINNED = [p for p in PATHS if twin_of(p)]


@pytest.mark.parametrize("path", fixture_params(PATHS))
def test_fixture_runs_and_marks_are_on_layer_lines(keras, path):
    """The fixture (or twin) builds models with real Keras as-is, every row has a
    constructor line in the file, and every `# oracle: unknown` mark sits on such a line."""
    twin = twin_of(path)
    recording = fixture_recording(keras, path)
    assert recording.models, "no model constructed"
    for m in recording.models:
        assert m.line is not None, f"model {m.name}: constructor line not found"
        for r in m.rows:
            assert r.line is not None, f"{m.name}/{r.name}: constructor line not found"
    marks = unknown_lines(twin or path)
    row_lines = {r.line for m in recording.models for r in m.rows}
    stale = sorted(marks - row_lines)
    assert not stale, f"`# oracle: unknown` on lines that construct no row: {stale}"


def test_every_legacy_fixture_has_a_twin():
    legacy = [p for p in PATHS if "legacy" in p.relative_to(FIXTURES).parts]
    assert legacy, "no legacy fixture"
    missing = [p.name for p in legacy if twin_of(p) is None]
    assert not missing, f"legacy fixtures without a {TWIN_SUFFIX} twin: {missing}"
    orphans = [
        p.name
        for p in FIXTURES.rglob("*" + TWIN_SUFFIX)
        if not p.with_name(p.name[: -len(TWIN_SUFFIX)] + ".py").exists()
    ]
    assert not orphans, f"twins without an original: {orphans}"


@pytest.mark.parametrize("path", fixture_params(TWINNED))
def test_legacy_original_does_not_run_on_keras3(keras, path, monkeypatch):
    """A twin is only needed where Keras 3 really rejects the original spelling
    (or ignores a legacy argument whose meaning kerascheck keeps)."""
    if legacy_intent(twin_of(path)):
        pytest.skip("Keras 3 runs this original but ignores a legacy argument")  # see the next test
    monkeypatch.chdir(path.parent)
    fmt = keras.config.image_data_format()
    try:
        with pytest.raises(Exception):
            runpy.run_path(str(path), run_name="__main__")
    finally:
        keras.config.set_image_data_format(fmt)
        keras.backend.clear_session()


@pytest.mark.parametrize("path", fixture_params([p for p in TWINNED if legacy_intent(twin_of(p))]))
def test_legacy_intent_twin_differs_from_keras3(keras, path):
    """A `# oracle: legacy-intent` twin is only needed where Keras 3, running the
    original, builds something else (an unbuilt model, other shapes or counts)."""

    def built(recording):
        return [[(r.cls, r.shape, r.trainable, r.non_trainable) for r in m.rows] for m in recording.models]

    assert built(record_keras(keras, path)) != built(fixture_recording(keras, path))


def _fake_report(recording):
    """kerascheck's JSON as it should be for ``recording``."""
    return {
        "path": "x.py",
        "models": [
            {
                "name": m.name,
                "line": m.line,
                "kind": m.kind,
                "layers": [
                    {
                        "name": r.name,
                        "class": r.cls,
                        "line": r.line,
                        "output_shape": r.shape,
                        "params": r.params,
                        "trainable_params": r.trainable,
                        "non_trainable_params": r.non_trainable,
                    }
                    for r in m.rows
                ],
                "total_params": m.total,
                "trainable_params": m.trainable,
                "non_trainable_params": m.non_trainable,
            }
            for m in recording.models
        ],
        "diagnostics": [],
    }


def test_comparison_catches_differences(keras):
    path = FIXTURES / "seeds" / "seed002_strided_mnist.py"
    recording = record_keras(keras, path)
    good = _fake_report(recording)
    assert check_schema({"version": 1, "files": [good]}) == []
    assert compare(recording, good, allowed_unknown=set(), compare_lines=True) == []

    def problems(mutate, allowed=frozenset()):
        bad = copy.deepcopy(good)
        mutate(bad)
        return compare(recording, bad, allowed_unknown=set(allowed), compare_lines=True)

    layers = lambda r: r["models"][0]["layers"]  # noqa: E731
    assert problems(lambda r: layers(r)[1].__setitem__("output_shape", [None, 3, 3, 64]))
    assert problems(lambda r: layers(r)[1].__setitem__("output_shape", None))
    assert problems(lambda r: layers(r)[1].__setitem__("output_shape", [None, "?", 2, 64]))
    assert problems(lambda r: layers(r)[3].__setitem__("trainable_params", 1))
    assert problems(lambda r: layers(r)[3].__setitem__("params", None))
    assert problems(lambda r: layers(r)[0].__setitem__("name", "conv2d_1"))
    assert problems(lambda r: layers(r)[0].__setitem__("line", 1))
    assert problems(lambda r: layers(r)[0].__setitem__("class", "Convolution2D"))
    assert problems(lambda r: layers(r).pop())
    assert problems(lambda r: r["models"][0].__setitem__("line", 1))
    assert problems(lambda r: r["models"][0].__setitem__("kind", "functional"))
    assert problems(lambda r: r["models"][0].__setitem__("total_params", 1))
    assert problems(lambda r: r["models"][0].__setitem__("total_params", None))
    assert problems(lambda r: r["models"].append(copy.deepcopy(r["models"][0])))
    # Unknown is accepted on a marked row (and then the totals may be unknown too),
    # but a wrong known value is not.
    line = layers(good)[1]["line"]

    def unknown_row(r):
        row = layers(r)[1]
        row.update(output_shape=[None, "?", "?", 64], params=None, trainable_params=None)
        r["models"][0]["total_params"] = None

    assert not problems(unknown_row, allowed={line})
    assert problems(lambda r: layers(r)[1].__setitem__("output_shape", [None, "?", 3, 64]), allowed={line})
    assert problems(lambda r: layers(r)[1].__setitem__("params", 7), allowed={line})
    msg = "\n".join(problems(lambda r: layers(r)[1].__setitem__("output_shape", [None, 3, 3, 64])))
    assert "(None, 2, 2, 64)" in msg and "(None, 3, 3, 64)" in msg and "shape" in msg


def test_stale_and_needed_marks(keras):
    """A mark on a row kerascheck reports exactly is stale; one on a row it reports
    unknown (shape or a count) is needed; unknown/'s promise sees the difference."""
    path = FIXTURES / "seeds" / "seed002_strided_mnist.py"
    recording = record_keras(keras, path)
    good = _fake_report(recording)
    row = good["models"][0]["layers"][1]
    line = row["line"]
    assert len([r for r in recording.models[0].rows if r.line == line]) == 1
    (stale,) = stale_marks(recording, good, marks={line})
    assert f"line {line}" in stale and "remove the mark" in stale and row["name"] in stale
    (stale,) = stale_marks(recording, good, marks=set(), twin_marks={line})
    assert "oracle twin" in stale
    assert stale_marks(recording, good, marks=set()) == []
    assert unknown_promise(good, {line})
    assert unknown_promise(good, set())

    for unknown in (
        {"output_shape": [None, "?", "?", 64]},
        {"output_shape": None},
        {"params": None, "trainable_params": None},
    ):
        half = copy.deepcopy(good)
        half["models"][0]["layers"][1].update(unknown)
        assert stale_marks(recording, half, marks={line}) == [], unknown
        assert unknown_promise(half, {line}) == [], unknown
    # A line is stale only when every row built there is exact.
    both = copy.deepcopy(good)
    both["models"][0]["layers"][2]["line"] = line
    both["models"][0]["layers"][2]["output_shape"] = None
    assert stale_marks(recording, both, marks={line}) == []
    assert unknown_promise(both, {line})  # the other row on the line is known
    # Counts that differ from Keras's are compare's business, never a stale mark.
    wrong = copy.deepcopy(good)
    wrong["models"][0]["layers"][1]["trainable_params"] += 1
    assert stale_marks(recording, wrong, marks={line}) == []
    assert unknown_promise(good, {10_000})  # a mark on a line kerascheck builds nothing on


def test_schema_check_rejects_malformed_reports():
    assert check_schema({"version": 1, "files": []}) == []
    assert check_schema({"version": 2, "files": []})
    assert check_schema({"files": []})
    layer = {
        "name": "d", "class": "Dense", "line": 3, "output_shape": [None, "?"],
        "params": None, "trainable_params": None, "non_trainable_params": None,
    }
    model = {
        "name": "m", "line": 1, "kind": "functional", "layers": [layer],
        "total_params": None, "trainable_params": None, "non_trainable_params": None,
    }
    ok = {"version": 1, "files": [{"path": "a.py", "models": [model], "diagnostics": []}]}
    assert check_schema(ok) == []
    bad = copy.deepcopy(ok)
    bad["files"][0]["models"][0]["kind"] = "graph"
    assert check_schema(bad)
    bad = copy.deepcopy(ok)
    bad["files"][0]["models"][0]["layers"][0]["output_shape"] = "(None, 3)"
    assert check_schema(bad)
    bad = copy.deepcopy(ok)
    bad["files"][0]["models"][0]["layers"][0]["params"] = "12"
    assert check_schema(bad)
    bad = copy.deepcopy(ok)
    del bad["files"][0]["diagnostics"]
    assert check_schema(bad)


@pytest.mark.parametrize("path", fixture_params(TWINNED))
def test_lines_aligned_twins_are_aligned(keras, path):
    """A twin marked `# oracle: lines-aligned` has as many lines as its original, and
    each line where the twin constructs a model or a row calls something there too."""
    twin = twin_of(path)
    if not lines_aligned(twin):
        pytest.skip("twin not line-aligned: lines are not compared")
    original = path.read_text(encoding="utf-8").splitlines()
    assert len(twin.read_text(encoding="utf-8").splitlines()) == len(original)
    recording = fixture_recording(keras, path)
    lines = {m.line for m in recording.models} | {r.line for m in recording.models for r in m.rows}
    bad = sorted(n for n in lines if "(" not in original[n - 1].split("#")[0])
    assert not bad, f"{twin.name} constructs on lines {bad}, where {path.name} calls nothing"


def test_missing_kerascheck_is_a_clear_failure(monkeypatch, capsys):
    """Without kerascheck.cli the oracle tests fail with a message, not a collection error."""
    import sys

    from oracle_lib import ReportError, run_kerascheck

    monkeypatch.setitem(sys.modules, "kerascheck.cli", None)
    with pytest.raises(ReportError, match="not importable"):
        run_kerascheck(FIXTURES / "seeds" / "seed000_conv2d_params.py", capsys)
