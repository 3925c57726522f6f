"""mypy finds no error in ``src/kerascheck``, with the configuration of
``pyproject.toml`` (``[tool.mypy]``: strict but for the catalog, keras and
libraries packages' generics and Any returns)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # mypy over the package from an empty cache: about 4 s on a quiet machine
def test_mypy_finds_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    monkeypatch.chdir(ROOT)  # the configuration's `files` are relative to the repository root
    # a cache of its own: every run is cold, the same in CI and locally
    stdout, stderr, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "mypy_cache")]
    )
    assert status == 0, f"mypy found errors (exit status {status}):\n{stdout}{stderr}"
