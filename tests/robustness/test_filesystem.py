"""Filesystem trouble is one diagnostic for that path, and the run goes on."""

from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path

import pytest

from kerascheck.cli import main

MODEL = "import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
BAD = "import keras\nm = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])\n"  # KC101
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def check(capsys, *args: str) -> tuple[int, dict[str, list[tuple[str, str, str]]]]:
    """Exit code, and (code, severity, message) of each diagnostic by file name."""
    code = main(["check", "--output-format", "json", *args])
    files = json.loads(capsys.readouterr().out)["files"]
    return code, {Path(f["path"]).name: [(d["code"], d["severity"], d["message"]) for d in f["diagnostics"]] for f in files}


def finishes(function, seconds: float = 60):
    """``function()``'s result, failing (not hanging) if it takes longer than ``seconds``."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked?)"
    return result[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with a good model and a bad one (KC101) besides what each test adds."""
    (tmp_path / "good.py").write_text(MODEL)
    (tmp_path / "zbad.py").write_text(BAD)
    return tmp_path


def test_symlink_loops_and_broken_links_are_kc003_and_the_run_goes_on(folder, capsys):
    (folder / "loop.py").symlink_to("loop.py")
    (folder / "broken.py").symlink_to("missing.py")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)  # a folder link back up: not followed
    code, files = check(capsys, str(folder))
    assert code == 1
    assert files["loop.py"] == [("KC003", "error", "a symbolic link loop (too many levels of symbolic links): not analysed")]
    assert files["broken.py"] == [("KC003", "error", "a broken symbolic link (what it points to does not exist): not analysed")]
    assert files["good.py"] == [] and [c for c, _, _ in files["zbad.py"]] == ["KC101"]


def test_a_loop_named_on_the_command_line_is_kc003_too(tmp_path, capsys):
    (tmp_path / "a.py").symlink_to("b.py")
    (tmp_path / "b.py").symlink_to("a.py")
    assert check(capsys, str(tmp_path / "a.py")) == (1, {"a.py": [
        ("KC003", "error", "a symbolic link loop (too many levels of symbolic links): not analysed")
    ]})


@pytest.mark.skipif(ROOT, reason="permissions do not stop root")
def test_unreadable_file_and_folder_for_real(folder, capsys):
    (folder / "secret.py").write_text(MODEL)
    (folder / "secret.py").chmod(0)
    (folder / "locked").mkdir()
    (folder / "locked").chmod(0)
    try:
        code, files = check(capsys, str(folder))
    finally:
        (folder / "locked").chmod(0o755)
    assert code == 1
    assert files["secret.py"] == [("KC003", "error", "permission denied: not analysed")]
    assert files["locked"][0][:2] == ("KC003", "error") and "cannot be listed" in files["locked"][0][2]
    assert [c for c, _, _ in files["zbad.py"]] == ["KC101"]


def test_unreadable_file_and_folder(folder, capsys, monkeypatch):
    """As the test above, for any user: the system refuses to open or list them."""
    (folder / "secret.py").write_text(MODEL)
    (folder / "locked").mkdir()
    (folder / "locked" / "inside.py").write_text(BAD)
    real_open, real_scandir = os.open, os.scandir

    def denied(path) -> PermissionError:
        return PermissionError(errno.EACCES, "Permission denied", str(path))

    def open_(path, *args, **kwargs):
        if Path(path).name == "secret.py":
            raise denied(path)
        return real_open(path, *args, **kwargs)

    def scandir(path="."):
        if Path(path).name == "locked":
            raise denied(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "scandir", scandir)
    code, files = check(capsys, str(folder))
    assert code == 1
    assert files["secret.py"] == [("KC003", "error", "permission denied: not analysed")]
    assert files["locked"] == [("KC003", "error", "folder cannot be listed (Permission denied): its files are not analysed")]
    assert "inside.py" not in files and [c for c, _, _ in files["zbad.py"]] == ["KC101"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_never_opened_in_a_folder_or_named(folder, capsys):
    os.mkfifo(folder / "pipe.py")  # opening it for reading would wait for a writer forever
    code, files = finishes(lambda: check(capsys, str(folder), str(folder / "pipe.py")))
    assert code == 1  # zbad.py
    assert files["pipe.py"] == [("KC010", "info", "a named pipe (FIFO), not a regular file: not read (to check what "
                                 "it carries, give it on standard input: `kerascheck check - < PIPE`)")]


def test_special_files_and_huge_inputs_are_never_read_whole(tmp_path, capped):
    """Under a memory cap: reading /dev/zero, a 10 GB (sparse) file or standard input
    from /dev/zero whole would end in a MemoryError."""
    with open(tmp_path / "huge.py", "wb") as file:
        file.truncate(10 * 10**9)
    done = capped("check", "--output-format", "concise", "/dev/zero", "huge.py", "-", stdin=Path("/dev/zero"))
    assert done.returncode == 0, done.stderr  # infos only
    assert done.stdout.splitlines() == [
        "/dev/zero:1:1: KC010 info: a character device, not a regular file: not read",
        "huge.py:1:1: KC010 info: file is 10,000,000,000 bytes, over the 5,000,000-byte limit: not analysed",
        "-:1:1: KC010 info: input is over the 5,000,000-byte limit: not analysed",
        "No files checked, with 3 notes (info).",
    ]


def test_a_large_data_module_without_keras_is_not_an_error(tmp_path, capsys):
    table = "TABLE = [\n" + "".join(f"    ({i}, {i * 0.5!r}, 'row {i}'),\n" for i in range(60_000)) + "]\n"
    (tmp_path / "table.py").write_text(table)
    assert 1_500_000 < len(table) < 5_000_000
    assert check(capsys, str(tmp_path / "table.py")) == (0, {"table.py": []})


def test_over_the_size_limit_is_one_info(tmp_path, capsys):
    (tmp_path / "generated.py").write_bytes(b"import keras\n" + b"x = 1\n" * 1_000_000)
    assert check(capsys, str(tmp_path)) == (0, {"generated.py": [
        ("KC010", "info", "file is 6,000,013 bytes, over the 5,000,000-byte limit: not analysed")
    ]})


def test_a_notebook_named_is_said_to_be_unsupported(tmp_path, capsys):
    (tmp_path / "train.ipynb").write_text('{"cells": [], "nbformat": 4}')
    code = main(["check", "--output-format", "concise", str(tmp_path / "train.ipynb")])
    out = capsys.readouterr().out
    assert code == 0 and "All checks passed" not in out
    assert "KC010 info: a Jupyter notebook: kerascheck checks Python files only" in out
    assert out.endswith("No files checked, with 1 note (info).\n")
