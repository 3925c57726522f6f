"""`kerascheck check` and `kerascheck rule`: configuration, selection, exclusion, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kerascheck.cli import main

BAD = "import keras\nm = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])\n"  # KC101
GOOD = "import keras\nm = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])\n"


def project(tmp_path: Path, config: str = "", **files: str) -> Path:
    if config:
        (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\n" + config)
    for name, text in files.items():
        path = tmp_path / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def check(capsys, *args: str) -> tuple[int, list[tuple[str, str]]]:
    code = main(["check", "--output-format", "json", *args])
    files = json.loads(capsys.readouterr().out)["files"]
    return code, [(Path(f["path"]).name, d["code"]) for f in files for d in f["diagnostics"]]


def test_bad_model_fails_good_model_passes(tmp_path, capsys):
    assert check(capsys, str(project(tmp_path, **{"bad.py": BAD}) / "bad.py")) == (1, [("bad.py", "KC101")])
    assert check(capsys, str(project(tmp_path, **{"good.py": GOOD}) / "good.py")) == (0, [])


def test_configured_ignore_and_command_line_select(tmp_path, capsys, monkeypatch):
    root = project(tmp_path, 'ignore = ["KC101"]\n', **{"m.py": BAD})
    monkeypatch.chdir(root)
    assert check(capsys, "m.py") == (0, [])
    assert check(capsys, "--select", "KC101", "--ignore", "KC0", "m.py") == (1, [("m.py", "KC101")])


def test_per_file_ignores(tmp_path, capsys):
    root = project(tmp_path, '[tool.kerascheck.per-file-ignores]\n"legacy/*" = ["KC1"]\n', **{"legacy__old.py": BAD, "new.py": BAD})
    assert check(capsys, str(root)) == (1, [("new.py", "KC101")])


def test_exclude_applies_to_folders_and_with_force_exclude_to_named_files(tmp_path, capsys):
    root = project(tmp_path, 'exclude = ["generated/"]\n', **{"generated__m.py": BAD, "ok.py": GOOD})
    assert check(capsys, str(root)) == (0, [])
    named = str(root / "generated" / "m.py")
    assert check(capsys, named) == (1, [("m.py", "KC101")])  # named explicitly: checked
    assert check(capsys, "--force-exclude", named) == (0, [])


def test_config_file_option(tmp_path, capsys):
    root = project(tmp_path, **{"m.py": BAD})
    (root / "strict.toml").write_text('[tool.kerascheck]\nignore = ["KC101"]\n')
    assert check(capsys, "--config", str(root / "strict.toml"), str(root / "m.py")) == (0, [])


def test_config_errors_exit_2_with_the_key(tmp_path, capsys):
    root = project(tmp_path, 'selct = ["KC1"]\n', **{"m.py": BAD})
    assert main(["check", str(root / "m.py")]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'selct'" in err and "pyproject.toml" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["check", "--select", "KC9", "."], ["check", "missing.py"], ["rule", "KC999"], ["rule"]])
def test_usage_errors_exit_2(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert "kerascheck: error:" in capsys.readouterr().err


def test_stdin_filename_takes_the_settings_of_its_folder(tmp_path, capsys, monkeypatch):
    import io
    import sys

    root = project(tmp_path, 'exclude = ["vendored/"]\n')
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    name = str(root / "vendored" / "m.py")
    assert check(capsys, "--force-exclude", "--stdin-filename", name, "-") == (0, [])


def test_same_layer_in_two_models_is_reported_once(tmp_path, capsys):
    source = (
        "import keras\n"
        "inner = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])\n"
        "x = keras.Input((28, 1, 1))\n"
        "outer = keras.Model(x, inner(x))\n"
    )
    root = project(tmp_path, **{"m.py": source})
    assert check(capsys, str(root / "m.py")) == (1, [("m.py", "KC101")])


def test_rule_command(capsys):
    assert main(["rule", "KC101"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# KC101 non-positive-dimension (error)")
    assert "## Why it matters" in page and "## Fix" in page
    assert main(["rule", "non-positive-dimension"]) == 0
    assert capsys.readouterr().out == page
    assert main(["rule", "--all"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("KC000  internal-error")
    assert any(line.startswith("KC101  non-positive-dimension") for line in listing)


def test_console_without_unicode_gets_replacement_characters_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    root = project(tmp_path, **{"m.py": BAD})
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run(
        [sys.executable, "-m", "kerascheck", "check", "--select", "KC101", str(root / "m.py")],
        capture_output=True, text=True, encoding="cp1252", errors="replace", env=env,
    )
    assert done.returncode == 1, done.stderr
    assert "KC101" in done.stdout and "Traceback" not in done.stderr


def test_fix_rewrites_the_files_and_reports_what_remains(tmp_path, capsys):
    legacy = (
        "from keras.models import Sequential\nfrom keras.layers import Convolution2D, Dense, Flatten\n"
        "m = Sequential([Convolution2D(8, 3, 3, border_mode='same', input_shape=(28, 28, 1)), Flatten(),\n"
        "               Dense(output_dim=10, init='he_normal')])\n"
    )
    latin = "# -*- coding: latin-1 -*-\n# é\n" + legacy.replace("output_dim=10, init='he_normal'", "output_dim=10")
    root = project(tmp_path, **{"legacy.py": legacy, "good.py": GOOD})
    (root / "latin.py").write_bytes(latin.encode("latin-1"))
    code = main(["check", "--fix", "--output-format", "json", "--no-cache", str(root)])
    remaining = [(Path(f["path"]).name, d["message"]) for f in json.loads(capsys.readouterr().out)["files"] for d in f["diagnostics"]]
    assert (code, [name for name, _ in remaining]) == (0, ["legacy.py"])  # info notes only
    assert "output_dim=10 → units=10, init → kernel_initializer" in remaining[0][1]  # no fix for init
    assert (root / "legacy.py").read_text() == legacy.replace("3, 3, border_mode", "(3, 3), padding")
    assert (root / "latin.py").read_bytes() == latin.replace("3, 3, border_mode", "(3, 3), padding").replace(
        "output_dim", "units"
    ).encode("latin-1")
    assert (root / "good.py").read_text() == GOOD


def test_fix_does_not_read_standard_input(capsys):
    assert main(["check", "--fix", "-"]) == 2
    assert "--fix changes files" in capsys.readouterr().err
