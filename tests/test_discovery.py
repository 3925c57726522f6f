"""Which files a folder argument expands to."""

from __future__ import annotations

from pathlib import Path

from kerascheck.discovery import expand


def names(paths, root: Path) -> list[str]:
    return sorted(p.resolve().relative_to(root.resolve()).as_posix() for p in paths)


def test_walks_python_files_skipping_hidden_venv_and_gitignored(tmp_path):
    files = [
        "model.py",
        "pkg/net.py",
        "pkg/notes.txt",
        ".hidden/secret.py",
        "venv/lib/site.py",
        "myenv/pyvenv.cfg",
        "myenv/lib/x.py",
        "build/gen.py",
        "generated/out.py",
        "pkg/skip_me.py",
        "node_modules/a.py",
    ]
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "pkg" / ".gitignore").write_text("skip_me.py\n")
    assert names(expand([str(tmp_path)]), tmp_path) == ["model.py", "pkg/net.py"]


def test_files_named_explicitly_are_always_included(tmp_path):
    ignored = tmp_path / "generated" / "out.py"
    ignored.parent.mkdir()
    ignored.write_text("x = 1\n")
    (tmp_path / ".gitignore").write_text("generated/\n")
    other = tmp_path / "script"
    other.write_text("x = 1\n")
    assert names(expand([str(ignored), str(other), str(ignored)]), tmp_path) == ["generated/out.py", "script"]


def test_gitignore_above_the_folder_applies(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*_gen.py\n")
    sub = tmp_path / "src"
    sub.mkdir()
    (sub / "a.py").write_text("")
    (sub / "b_gen.py").write_text("")
    assert names(expand([str(sub)]), tmp_path) == ["src/a.py"]


def test_a_gitignore_line_that_is_no_pattern_is_left_out_as_git_does(tmp_path):
    for name in ("model.py", "skip_me.py"):
        (tmp_path / name).write_text("x = 1\n")
    (tmp_path / ".gitignore").write_text("!\nskip_me.py\n")
    assert names(expand([str(tmp_path)]), tmp_path) == ["model.py"]
