"""The language server's analysis of a buffer (``server.analyser``): the CLI's
configuration, read again when it changes; failures as KC000, never raised."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("lsprotocol")

from lsprotocol import types  # noqa: E402

from kerascheck.server import analyser as analyser_module  # noqa: E402
from kerascheck.server.analyser import Analyser, Snapshot  # noqa: E402
from kerascheck.server.protocol import Lines  # noqa: E402

SOURCE = "import keras\nm = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, strides=2)])\n"


def run(analyser: Analyser, path: Path, text: str = SOURCE) -> analyser_module.Result:
    return analyser.run(Snapshot(path.as_uri(), path, text, generation=1))


def test_the_configuration_is_read_again_when_it_changes(tmp_path):
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.kerascheck]\n")
    analyser = Analyser(tmp_path)
    assert [d.code for d in run(analyser, tmp_path / "m.py").diagnostics] == ["KC201"]
    config.write_text('[tool.kerascheck]\nignore = ["KC201"]\n')
    os.utime(config, (1, 1))  # a different modification time, whatever the clock's resolution
    assert run(analyser, tmp_path / "m.py").diagnostics == []
    config.write_text("[tool.kerascheck]\nselct = []\n")
    os.utime(config, (2, 2))
    result = run(analyser, tmp_path / "m.py")
    assert [d.code for d in result.diagnostics] == ["KC201"]  # the defaults
    assert result.problems and result.problems[0].startswith("configuration ignored:") and "selct" in result.problems[0]


def test_an_internal_error_is_kc000_and_a_problem_to_log(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(analyser_module, "analyze_bytes", fail)
    result = run(Analyser(tmp_path), tmp_path / "m.py")
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "KC000" and "ValueError: boom" in diagnostic.message
    assert "Traceback" in result.problems[0]


def test_positions_convert_between_code_points_and_the_client_units():
    text = "x = '😀é'  # y\n"
    for encoding, column in ((types.PositionEncodingKind.Utf16, 9), (types.PositionEncodingKind.Utf8, 12),
                             (types.PositionEncodingKind.Utf32, 8)):
        lines = Lines(text, encoding)
        assert lines.position(0, 8) == types.Position(0, column)  # after the closing quote
        assert lines.column(types.Position(0, column)) == 8


def test_no_full_garbage_collection_during_an_analysis(tmp_path, monkeypatch):
    """A full collection traverses every object the analysis made: the server
    makes the one that is due between analyses instead (``Scheduler``, after publishing)."""
    import gc

    during: list[int] = []

    def analyse(*args):
        during.append(gc.get_threshold()[2])
        raise RuntimeError("boom")

    monkeypatch.setattr(analyser_module, "analyze_bytes", analyse)
    before = gc.get_threshold()
    assert [d.code for d in run(Analyser(tmp_path), tmp_path / "m.py").diagnostics] == ["KC000"]
    assert during == [analyser_module.GC_DEFERRED] and gc.get_threshold() == before


def test_the_deferred_collection_is_made_when_due():
    import gc

    def full() -> int:
        return gc.get_stats()[2]["collections"]

    gc.collect()
    before = full()
    analyser_module.collect_if_due()  # none is due
    assert full() == before
    with analyser_module._full_collections_deferred():
        for _ in range(gc.get_threshold()[2] + 1):  # what makes one due
            gc.collect(1)
        assert full() == before
    analyser_module.collect_if_due()
    assert full() == before + 1
