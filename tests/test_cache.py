"""The result cache: a re-run gives the same output from it, and a file is
analysed again exactly when something it depends on changed."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from kerascheck import __version__, analysis, cache
from kerascheck.cli import main

HELPERS = "import keras\nWIDTH = 8\ndef block(x):\n    return keras.layers.Dense(WIDTH)(x)\n"
NET = "import keras\nimport helpers\ni = keras.Input((3,))\nm = keras.Model(i, helpers.block(i))\n"
OTHER = "import keras\nm = keras.Sequential([keras.Input((4, 4)), keras.layers.Conv1D(3, 9)])\n"
MAYBE = "import keras\nimport extra\nm = keras.Sequential([keras.Input((2,)), extra.head()])\n"
EXTRA = "import keras\ndef head():\n    return keras.layers.Dense(7)\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project whose cache is ``.cache`` in it, and the run's counted analyses."""
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / ".cache"))
    root = tmp_path / "proj"
    root.mkdir()
    for name, text in {"helpers.py": HELPERS, "net.py": NET, "other.py": OTHER, "maybe.py": MAYBE}.items():
        (root / name).write_text(text)
    return root


def run(capsys, monkeypatch, *args: str) -> tuple[str, Counter]:
    """The output of ``kerascheck check`` (serial, so analyses can be counted) and the files analysed."""
    analysed: Counter = Counter()
    analyze = analysis.analyze_bytes

    def counting(data, path, *rest, **kwargs):
        analysed[Path(path).name] += 1
        return analyze(data, path, *rest, **kwargs)

    monkeypatch.setattr(analysis, "analyze_bytes", counting)
    try:
        main(["check", "-j1", "--exit-zero", *args])
    finally:
        monkeypatch.setattr(analysis, "analyze_bytes", analyze)
    return capsys.readouterr().out, analysed


def check(capsys, monkeypatch, root: Path, *args: str) -> tuple[str, Counter]:
    return run(capsys, monkeypatch, "--output-format", "json", *args, str(root))


def summary(capsys, root: Path, name: str) -> dict:
    """The summary of file ``name`` of the project."""
    main(["summary", "-j1", "--output-format", "json", str(root)])
    return next(f for f in json.loads(capsys.readouterr().out)["files"] if f["path"].endswith(name))


def entries(folder: Path) -> list[Path]:
    return sorted((folder / __version__).glob("*/*"))


def test_a_rerun_gives_the_same_output_from_the_cache(project, capsys, monkeypatch):
    cold, analysed = check(capsys, monkeypatch, project)
    assert sorted(analysed) == ["helpers.py", "maybe.py", "net.py", "other.py"]
    for output_format in ("json", "concise", "sarif", "full"):
        monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
        expected, _ = run(capsys, monkeypatch, "--output-format", output_format, str(project))
        monkeypatch.delenv(cache.NO_CACHE_ENV)
        check(capsys, monkeypatch, project, "--output-format", output_format)  # the cold run of this format
        warm, analysed = check(capsys, monkeypatch, project, "--output-format", output_format)
        assert warm == expected and not analysed
    warm, _ = check(capsys, monkeypatch, project)
    assert warm == cold
    assert json.loads(cold)["files"][3]["diagnostics"][0]["code"] == "KC101"
    root = project.parent / ".cache"
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (root / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_changing_an_imported_module_analyses_it_and_its_importers_again(project, capsys, monkeypatch):
    check(capsys, monkeypatch, project)
    (project / "helpers.py").write_text(HELPERS.replace("WIDTH = 8", "WIDTH = 5"))
    assert sorted(check(capsys, monkeypatch, project)[1]) == ["helpers.py", "net.py"]
    assert summary(capsys, project, "net.py")["models"][0]["layers"][-1]["output_shape"] == [None, 5]
    assert not check(capsys, monkeypatch, project)[1]


def test_creating_a_module_a_file_imported_in_vain_analyses_it_again(project, capsys, monkeypatch):
    check(capsys, monkeypatch, project)
    assert summary(capsys, project, "maybe.py")["models"][0]["total_params"] is None
    (project / "extra.py").write_text(EXTRA)
    assert sorted(check(capsys, monkeypatch, project)[1]) == ["extra.py", "maybe.py"]
    assert summary(capsys, project, "maybe.py")["models"][0]["total_params"] == 21
    (project / "extra.py").unlink()
    assert sorted(check(capsys, monkeypatch, project)[1]) == ["maybe.py"]


def test_options_that_change_a_report_are_part_of_the_key(project, capsys, monkeypatch):
    check(capsys, monkeypatch, project)
    out, analysed = check(capsys, monkeypatch, project, "--ignore", "KC101")
    assert len(analysed) == 4 and "KC101" not in out
    assert len(check(capsys, monkeypatch, project, "--data-format", "channels_first")[1]) == 4
    assert not check(capsys, monkeypatch, project, "--ignore", "KC101")[1]


def test_a_corrupt_entry_is_recomputed(project, capsys, monkeypatch):
    cold, _ = check(capsys, monkeypatch, project)
    found = entries(project.parent / ".cache")
    assert len(found) == 4
    found[0].write_text("{not json")
    found[1].write_text(json.dumps({"digest": 1}))
    found[2].write_bytes(b"\x00\xff")
    out, analysed = check(capsys, monkeypatch, project)
    assert out == cold and sum(analysed.values()) == 3
    assert not check(capsys, monkeypatch, project)[1]  # rewritten


def test_no_cache_and_the_default_folder(project, capsys, monkeypatch):
    monkeypatch.delenv(cache.CACHE_DIR_ENV)
    monkeypatch.chdir(project)
    (project / "pyproject.toml").write_text("")
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    main(["check", "-j1", "--no-cache", "--exit-zero", ".."])
    assert not (project / cache.DEFAULT_FOLDER).exists()
    main(["check", "-j1", "--exit-zero", ".."])
    assert len(entries(project / cache.DEFAULT_FOLDER)) == 4  # at the project's root
    main(["check", "-j1", "--exit-zero", "--cache-dir", "elsewhere", ".."])
    assert len(entries(project / "sub" / "elsewhere")) == 4


def test_the_least_recently_used_entries_go_past_the_bound(tmp_path):
    folder = tmp_path / "0.1"
    for n in range(6):
        entry = folder / f"{n:02d}" / f"{n:02d}entry"
        entry.parent.mkdir(parents=True)
        entry.write_text("{}")
        os.utime(entry, (time.time() - 100 + n, time.time() - 100 + n))
    cache.prune(folder, 4)
    assert sorted(p.name for p in folder.glob("*/*")) == ["02entry", "03entry", "04entry", "05entry"]


def test_an_unwritable_cache_warns_once_and_the_run_goes_on(project, capsys, monkeypatch):
    blocker = project.parent / "file"
    blocker.write_text("")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker / "cache"))
    assert main(["check", "-j1", "--exit-zero", "--output-format", "json", str(project)]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)["files"]) == 4
    assert captured.err.count("cannot write the cache") == 1


def test_unnamed_standard_input_is_not_cached(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(OTHER.encode())))
    main(["check", "-j1", "--exit-zero", "--output-format", "json", "-"])
    assert "KC101" in capsys.readouterr().out
    assert not entries(project.parent / ".cache")


def test_fix_applies_the_edits_of_a_cached_report(project, capsys, monkeypatch):
    legacy = "from keras.models import Sequential\nfrom keras.layers import Dense\nm = Sequential([Dense(output_dim=3, input_dim=2)])\n"
    (project / "legacy.py").write_text(legacy)
    run(capsys, monkeypatch, str(project / "legacy.py"))  # cached, not fixed
    _, analysed = run(capsys, monkeypatch, "--fix", str(project / "legacy.py"))
    assert analysed["legacy.py"] == 1  # the first report came from the cache, the fixed file is new
    assert (project / "legacy.py").read_text() == legacy.replace("output_dim", "units")
