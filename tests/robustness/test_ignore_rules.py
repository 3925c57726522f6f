"""Which files a run checks: .gitignore within the repository, what is named is
checked, defaults that the configuration can change."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerascheck.cli import main
from kerascheck.discovery import expand

MODEL = "import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"


def tree(root: Path, *names: str, texts: dict[str, str] | None = None) -> Path:
    """Folders (``a/``) and model files (``a/b.py``) under ``root``, and files with
    the ``texts`` given by name."""
    for name in names:
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(MODEL)
    for name, text in (texts or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def found(root: Path, *paths: Path) -> list[str]:
    return sorted(Path(p).resolve().relative_to(root.resolve()).as_posix() for p in expand([str(p) for p in paths]))


def checked(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", "--output-format", "concise", *args])
    return code, capsys.readouterr().out.splitlines()[-1]


def test_an_outer_gitignore_of_the_repository_does_not_hide_a_folder_named_inside_it(tmp_path):
    """pyenv's checkout ignores ``/versions/``; the standard library under it is still checked when named."""
    root = tree(tmp_path, ".git/", "versions/3.12/lib/os.py", "versions/3.12/lib/json/decoder.py",
                "versions/3.12/lib/gen_tables.py", "versions/3.12/lib/build/x.py",
                texts={".gitignore": "/versions/\ngen_*.py\n"})
    lib = root / "versions" / "3.12" / "lib"
    # the pattern naming the folder walked (or one above it) has no say; the others still apply inside it
    assert found(root, lib) == ["versions/3.12/lib/json/decoder.py", "versions/3.12/lib/os.py"]
    assert found(root, root) == []  # walking the repository itself: ignored as git ignores it


def test_gitignore_files_above_the_repository_do_not_apply(tmp_path):
    tree(tmp_path, "repo/.git/", "repo/a.py", "repo/b_gen.py", "loose/c.py", "loose/d_gen.py")
    (tmp_path / ".gitignore").write_text("*_gen.py\nrepo/\nloose/\n")
    assert found(tmp_path, tmp_path / "repo") == ["repo/a.py", "repo/b_gen.py"]
    assert found(tmp_path, tmp_path / "loose") == ["loose/c.py", "loose/d_gen.py"]  # in no repository


def test_a_gitignore_inside_the_folder_applies_in_or_out_of_a_repository(tmp_path):
    tree(tmp_path, "a.py", "skip_me.py", "pkg/b.py", "pkg/local.py", "data/c.py")
    (tmp_path / ".gitignore").write_text("skip_me.py\ndata/\n")
    (tmp_path / "pkg" / ".gitignore").write_text("local.py\n")
    assert found(tmp_path, tmp_path) == ["a.py", "pkg/b.py"]


def test_a_folder_under_a_hidden_or_excluded_one_is_walked_when_named(tmp_path, monkeypatch, capsys):
    tree(tmp_path, ".cache/bench/repo/model.py", ".cache/bench/repo/.tox/x.py", "build/lib/pkg/net.py")
    monkeypatch.chdir(tmp_path)  # the default settings are rooted here: `.*/` and `build/` match above
    assert checked(capsys, ".cache/bench/repo") == (0, "All checks passed! (1 file checked)")
    assert checked(capsys, "build/lib") == (0, "All checks passed! (1 file checked)")
    assert main(["check", "--output-format", "concise", "."]) == 0
    captured = capsys.readouterr()
    assert captured.out == "No files checked.\n"
    assert captured.err == "kerascheck: warning: no Python files found under the given paths\n"


def test_force_exclude_applies_default_and_configured_excludes_to_named_paths(tmp_path, monkeypatch, capsys):
    tree(tmp_path, "build/gen.py", "vendored/lib.py", "src/m.py",
         texts={"pyproject.toml": '[tool.kerascheck]\nextend-exclude = ["vendored/"]\n'})
    monkeypatch.chdir(tmp_path)
    assert checked(capsys, "build/gen.py", "vendored/lib.py", "vendored") == (0, "All checks passed! (2 files checked)")
    assert checked(capsys, "--force-exclude", "build/gen.py", "vendored/lib.py", "vendored", "src/m.py") == (
        0, "All checks passed! (1 file checked)"
    )
    assert checked(capsys, "--force-exclude", ".") == (0, "All checks passed! (1 file checked)")


def test_exclude_replaces_the_defaults_extend_exclude_adds_include_widens(tmp_path, monkeypatch, capsys):
    tree(tmp_path, "build/gen.py", "gen/a.py", "tool.pyw", "src/m.py")
    monkeypatch.chdir(tmp_path)
    assert checked(capsys, ".") == (0, "All checks passed! (2 files checked)")  # gen/a.py, src/m.py
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nextend-exclude = ["gen/"]\ninclude = ["*.py", "*.pyw"]\n')
    assert checked(capsys, ".") == (0, "All checks passed! (2 files checked)")  # src/m.py, tool.pyw
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["gen/"]\n')
    assert checked(capsys, ".") == (0, "All checks passed! (2 files checked)")  # build/gen.py, src/m.py


def test_respect_gitignore_false(tmp_path, monkeypatch, capsys):
    tree(tmp_path, "a.py", "ignored/b.py",
         texts={"pyproject.toml": "[tool.kerascheck]\nrespect-gitignore = false\n", ".gitignore": "ignored/\n"})
    monkeypatch.chdir(tmp_path)
    assert checked(capsys, ".") == (0, "All checks passed! (2 files checked)")


def test_a_named_path_that_does_not_exist_is_a_usage_error_before_anything_runs(tmp_path, capsys):
    tree(tmp_path, "a.py")
    assert main(["check", str(tmp_path / "a.py"), str(tmp_path / "typo.py")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "typo.py: no such file or folder" in captured.err


@pytest.mark.parametrize("named", ["pkg", "pkg/m.py"])
def test_a_path_named_twice_is_checked_once(tmp_path, monkeypatch, capsys, named):
    tree(tmp_path, "pkg/m.py")
    monkeypatch.chdir(tmp_path)
    assert checked(capsys, named, "pkg", "./pkg/m.py") == (0, "All checks passed! (1 file checked)")
