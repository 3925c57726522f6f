"""``real_path`` is ``os.path.realpath``, with each folder resolved once."""

from __future__ import annotations

import os

import pytest

from kerascheck import real_paths
from kerascheck.real_paths import real_path


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symbolic links")
def test_real_path_is_realpath_through_links_and_parent_folders(tmp_path, monkeypatch):
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "sub" / "a.py").write_text("")
    (tmp_path / "linked").symlink_to(tmp_path / "real")  # a folder link
    (tmp_path / "real" / "b.py").symlink_to(tmp_path / "real" / "sub" / "a.py")  # a file link
    (tmp_path / "real" / "loop.py").symlink_to(tmp_path / "real" / "loop.py")
    monkeypatch.chdir(tmp_path / "linked")
    names = [
        "real/sub/a.py", "linked/sub/a.py", "linked/b.py", "real/b.py", "linked/sub/../b.py", "linked/./sub//a.py",
        "real/loop.py", "linked/missing.py", "linked/sub", "linked", ".", "", "sub/a.py", "../linked/sub/a.py", "b.py",
    ]
    for name in names:
        for path in (str(tmp_path / name), name):
            if path:
                assert real_path(path) == os.path.realpath(path), path
    (tmp_path / "linked").unlink()  # the link now names another folder
    (tmp_path / "linked").symlink_to(tmp_path / "real" / "sub")
    real_paths.forget()  # (until then, the folder resolved before)
    assert real_path(tmp_path / "linked" / "a.py") == os.path.realpath(tmp_path / "linked" / "a.py")
