"""Fixtures for the ``check`` output formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerascheck.cli import main
from tests.reporters.sources import write_fixtures


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """The files of ``sources.write_fixtures`` in a temporary folder, the current one."""
    monkeypatch.chdir(tmp_path)
    return write_fixtures(tmp_path)


@pytest.fixture
def check(capsys):
    """``kerascheck check ARGS`` in-process: (exit code, standard output)."""

    def run(*argv: str) -> tuple[int, str]:
        code = main(["check", *argv])
        return code, capsys.readouterr().out

    return run
