"""Files analysed in parallel (``--jobs``): the output of a serial run, whatever
the number of workers; a worker that fails costs only its file."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from kerascheck import analysis
from kerascheck.cli import main
from kerascheck.parallel import _Queue

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

MODEL = "import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense({units})])\n"
PROJECT = {
    "a/blocks.py": "import keras\nWIDTH = 3\ndef block(x):\n    return keras.layers.Dense(WIDTH)(x)\n",
    "a/net.py": "import keras\nimport blocks\ni = keras.Input((5,))\nm = keras.Model(i, blocks.block(i))\n",
    "a/bad.py": "import keras\nm = keras.Sequential([keras.Input((4, 4)), keras.layers.Conv1D(3, 9)])\n",
    "b/broken.py": "import keras\ndef f(:\n",
    "b/one.py": MODEL.format(units=1),
    "b/two.py": MODEL.format(units=2),
    "c/plain.py": "print('no keras here')\n",
}
FORMATS = ("json", "sarif", "concise", "full", "json-lines", "github")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def output(capsys, *args: str) -> str:
    main([*args, "--exit-zero"] if args[0] == "check" else list(args))
    return capsys.readouterr().out


@pytest.mark.parametrize("output_format", FORMATS)
def test_the_output_is_the_serial_one_whatever_the_jobs(tmp_path, capsys, output_format):
    root = str(write(tmp_path, PROJECT))
    serial = output(capsys, "check", "-j1", "--output-format", output_format, root)
    assert "KC001" in serial or "cannot-parse" in serial or "cannot parse" in serial  # broken.py is reported
    for jobs in ("-j2", "-j3", "-j16"):
        assert output(capsys, "check", jobs, "--output-format", output_format, root) == serial


def test_summaries_are_the_serial_ones(tmp_path, capsys):
    root = str(write(tmp_path, PROJECT))
    for output_format in ("json", "table"):
        serial = output(capsys, "summary", "-j1", "--output-format", output_format, root)
        assert output(capsys, "summary", "-j2", "--output-format", output_format, root) == serial


@pytest.mark.slow
@pytest.mark.parametrize("output_format", ("json", "sarif", "concise"))
def test_fixtures_give_byte_identical_output_serially_and_in_parallel(capsys, output_format):
    serial = output(capsys, "check", "-j1", "--output-format", output_format, str(FIXTURES))
    assert output(capsys, "check", "-j2", "--output-format", output_format, str(FIXTURES)) == serial


def crashing(kill: bool):
    """``analyze_bytes`` that ends its process (or raises) on ``boom.py``."""
    analyze = analysis.analyze_bytes

    def analyze_bytes(data, path, *args, **kwargs):
        if path.endswith("boom.py"):
            if kill:
                os._exit(3)
            raise MemoryError("out of memory")
        return analyze(data, path, *args, **kwargs)

    return analyze_bytes


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the patch reaches forked workers only")
@pytest.mark.parametrize("kill", (True, False), ids=("worker ends", "analysis raises"))
def test_a_file_whose_analysis_fails_is_reported_and_the_others_are_analysed(tmp_path, capsys, monkeypatch, kill):
    files = {f"f{n}.py": MODEL.format(units=n + 1) for n in range(5)}
    root = write(tmp_path, {**files, "boom.py": MODEL.format(units=9)})
    monkeypatch.setattr(analysis, "analyze_bytes", crashing(kill))
    # boom.py comes first: its worker has f0.py waiting in its pipe, which goes to the worker after it
    for jobs in ("-j2", "-j1")[: 1 if kill else 2]:  # a serial run would end itself
        main(["summary", jobs, "--output-format", "json", str(root)])
        reports = {Path(f["path"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
        assert [m["total_params"] for name, f in reports.items() if name != "boom.py" for m in f["models"]] == [
            5 * (n + 1) for n in range(5)
        ]
    main(["check", "-j2", "--output-format", "json", "--exit-zero", str(root)])
    reports = {Path(f["path"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
    (diagnostic,) = reports["boom.py"]["diagnostics"]
    assert diagnostic["code"] == "KC000"
    assert ("exit code 3" if kill else "MemoryError: out of memory") in diagnostic["message"]
    assert all(not reports[name]["diagnostics"] for name in files)


def test_workers_stay_in_a_folder_and_share_the_last_one():
    paths = ["a/1.py", "a/2.py", "a/3.py", "b/1.py", "c/1.py", "c/2.py", "c/3.py", "c/4.py"]
    queue = _Queue()
    for index, path in enumerate(paths):
        queue.add(index, path)
    first, second = queue.next(None, set()), queue.next(None, {"a"})
    assert (paths[first], paths[second]) == ("a/1.py", "b/1.py")
    assert paths[queue.next("b", {"a"})] == "c/1.py"  # b is done: the next folder no one is in
    assert paths[queue.next("a", {"c"})] == "a/2.py"
    assert paths[queue.next("a", {"c"})] == "a/3.py"
    assert paths[queue.next("a", {"c"})] == "c/2.py"  # every folder is taken: the one with most left
    assert [paths[queue.next("c", {"c"})] for _ in range(2)] == ["c/3.py", "c/4.py"]
    assert queue.next("c", set()) is None


def test_what_a_worker_keeps_from_the_garbage_collector_does_not_grow_with_the_files(tmp_path):
    """A worker freezes each file's tree out of the collector's walks as soon as it
    is parsed, and collects each file's garbage when it ends: what stays frozen
    does not grow from file to file: no garbage is frozen with a tree."""
    import gc

    from kerascheck import parallel
    from kerascheck.analysis import Options
    from kerascheck.interpreter.modules import ParseCache

    source = (FIXTURES / "classic" / "lenet5.py").read_bytes()
    frozen: list[int] = []
    with parallel.tuned_gc():
        cache = ParseCache(max_recent_tokens=1, parsed=gc.freeze)  # (no tree kept for later files)
        for index in range(16):
            path = tmp_path / f"net{index:02}.py"
            path.write_bytes(source)
            parallel.run(parallel.Task(str(path), source, Options()), cache)
            parallel.settle()
            frozen.append(gc.get_freeze_count())
    assert len(set(frozen[4:])) == 1, frozen


def test_a_task_taken_back_from_a_worker_is_handed_out_next():
    queue = _Queue()
    for index, path in enumerate(["a/1.py", "a/2.py", "b/1.py"]):
        queue.add(index, path)
    assert (queue.next(None, set()), queue.next(None, {"a"})) == (0, 2)
    queue.put_back(2, "b/1.py")  # (a worker that died had it waiting)
    assert [queue.next(None, set()) for _ in range(2)] == [2, 1]
    assert queue.next(None, set()) is None
