"""Exit codes as ruff's: 0 clean, 1 findings, 2 usage or configuration; 101 when
kerascheck itself failed (as ty's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerascheck import analysis, cli
from kerascheck.cli import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main

GOOD = "import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
BAD = "import keras\nm = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])\n"  # KC101


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text(BAD)
    return tmp_path


def test_clean_findings_and_usage(files, capsys):
    assert main(["check", str(files / "good.py")]) == EXIT_OK == 0
    assert main(["check", str(files / "bad.py")]) == EXIT_FINDINGS == 1
    assert main(["check", "--exit-zero", str(files / "bad.py")]) == EXIT_OK
    assert main(["check", "--output-format", "nope", str(files)]) == EXIT_USAGE == 2
    assert main(["check", str(files / "missing.py")]) == EXIT_USAGE
    (files / "configured").mkdir()
    (files / "configured" / "pyproject.toml").write_text("[tool.kerascheck]\nexclude = 'build'\n")
    (files / "configured" / "m.py").write_text(GOOD)
    assert main(["check", str(files / "configured")]) == EXIT_USAGE
    assert "exclude must be a list of strings" in capsys.readouterr().err


def test_a_failure_outside_any_file_is_an_internal_error_not_a_traceback_alone(files, capsys, monkeypatch):
    def broken(args, for_check):
        raise RuntimeError("a kerascheck bug")

    monkeypatch.setattr(cli, "analyse", broken)
    assert main(["check", str(files)]) == EXIT_INTERNAL == 101
    err = capsys.readouterr().err
    assert "RuntimeError: a kerascheck bug" in err and "kerascheck: internal error" in err and "please report" in err


def test_a_file_kerascheck_failed_on_is_kc000_and_exit_101_even_with_exit_zero(files, capsys, monkeypatch):
    def failing(*args, **kwargs):
        raise ValueError("a kerascheck bug")

    monkeypatch.setattr(analysis, "interpret", failing)
    assert main(["check", "--exit-zero", "--output-format", "concise", str(files / "good.py")]) == EXIT_INTERNAL
    assert "KC000 error: internal error while analysing this file: ValueError: a kerascheck bug" in capsys.readouterr().out
    assert main(["summary", str(files / "good.py")]) == EXIT_INTERNAL
    assert main(["check", "--ignore", "KC000", str(files / "good.py")]) == EXIT_OK  # not reported: not counted
