"""mypy finds no error in ``src/kerascheck``, with the configuration of
``pyproject.toml`` (``[tool.mypy]``: strict but for the catalog, keras and
libraries packages' generics and Any returns)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # mypy over the package from an empty cache: about 3 s
def test_mypy_finds_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    monkeypatch.chdir(ROOT)  # the configuration's `files` are relative to the repository root
    # a cache of its own: every run is cold, the same in CI and locally
    stdout, stderr, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "mypy_cache")]
    )
    report = f"mypy (exit status {status}):\n{stdout}{stderr}"
    assert status == 0, report
    # nothing else either: mypy exits with 0 after a note on the configuration
    # (an option it does not know, an override that matches no module)
    assert not stderr and stdout.startswith("Success:"), report
