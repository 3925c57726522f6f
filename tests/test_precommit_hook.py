"""The pre-commit hook, end to end, with the real pre-commit and real ``git commit``.

pre-commit installs a hook repository by cloning it at a commit and running
``pip install .`` in a fresh virtual environment.  Which commit of this
checkout to point it at:

* ``repo: <checkout>`` with ``rev: <HEAD>`` tests what is committed, not what
  is in the work tree, so a developer's uncommitted changes (to the manifest,
  the command line...) would go untested while the rest of the suite tests them.
* ``pre-commit try-repo`` takes staged and modified tracked files but not new,
  untracked ones, and it runs the hooks once instead of through the git hook
  that ``pre-commit install`` writes, which is what users run.

So the tests copy the work tree as git sees it (tracked files plus untracked,
not ignored ones, as on disk) into a throw-away repository, commit it, and
point ``repo:``/``rev:`` at that commit.  On CI's clean clone this is exactly
HEAD; on a developer's machine it is the work tree.  ``PRE_COMMIT_HOME`` is a
temporary folder shared by the module, so the hook's environment is built once
(the slow part: pip installs kerascheck and its dependencies) and no user cache
is read or written.  git and pre-commit are requirements of the test extra, so
their absence fails the tests rather than skipping them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: every test here runs pre-commit in a subprocess; the module's fixture pip-installs the hook
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 1200  # seconds: a virtual environment and a pip install from the package index
COMMIT_TIMEOUT = 300

BAD_MODEL = "import keras\nmodel = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])\n"
GOOD_MODEL = "import keras\nmodel = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])\n"


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = COMMIT_TIMEOUT) -> subprocess.CompletedProcess:
    """Run a command, its standard output and error together as text."""
    return subprocess.run(
        args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, encoding="utf-8", errors="replace", timeout=timeout,
    )


def reports_kc101(output: str, path: str) -> bool:
    """Whether the hook's output has the concise diagnostic for the bad model at ``path``."""
    return re.search(rf"^{re.escape(path)}:2:52: KC101 ", output, re.MULTILINE) is not None


def checked(args: list[str], cwd: Path, env: dict[str, str], timeout: float = COMMIT_TIMEOUT) -> str:
    done = run(args, cwd, env, timeout)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}"
    return done.stdout


class Hooked:
    """What the tests share: the environment for subprocesses, the hook repository's commit."""

    def __init__(self, env: dict[str, str], config: str, build_seconds: float) -> None:
        self.env = env
        self.config = config
        self.build_seconds = build_seconds

    def git(self, repo: Path, *args: str) -> str:
        return checked(["git", *args], repo, self.env)

    def new_repo(self, path: Path) -> Path:
        """A git repository with the hook installed, as a user would set it up."""
        path.mkdir()
        self.git(path, "init", "-q")
        self.git(path, "config", "user.name", "kerascheck tests")
        self.git(path, "config", "user.email", "tests@kerascheck.invalid")
        self.git(path, "config", "commit.gpgsign", "false")
        (path / ".pre-commit-config.yaml").write_text(self.config, encoding="utf-8")
        checked([sys.executable, "-m", "pre_commit", "install"], path, self.env)
        return path

    def commit(self, repo: Path, files: dict[str, str], message: str = "change") -> subprocess.CompletedProcess:
        """Write and stage ``files``, then ``git commit`` (which runs the installed hook)."""
        for name, text in files.items():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.git(repo, "add", "--", *files)
        return run(["git", "commit", "-m", message], repo, self.env)

    def head_files(self, repo: Path) -> set[str]:
        return set(self.git(repo, "ls-tree", "-r", "--name-only", "HEAD").split())


def _environment(folder: Path) -> dict[str, str]:
    """This process's environment (pip's settings included) without anything that
    would tie git or pre-commit to the caller's repository, configuration or cache."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key != "SKIP"  # SKIP=kerascheck would skip the hook
    }
    empty = folder / "gitconfig"
    empty.write_text("", encoding="utf-8")
    env.update(
        PRE_COMMIT_HOME=str(folder / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
        GIT_CONFIG_GLOBAL=str(empty),  # no user-wide core.hooksPath, gpgsign, templates...
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_AUTHOR_NAME="kerascheck tests",
        GIT_AUTHOR_EMAIL="tests@kerascheck.invalid",
        GIT_COMMITTER_NAME="kerascheck tests",
        GIT_COMMITTER_EMAIL="tests@kerascheck.invalid",
    )
    return env


def _snapshot(env: dict[str, str], destination: Path) -> str:
    """Commit the work tree as git sees it into a new repository; its commit id."""
    listed = checked(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT, env)
    destination.mkdir()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is left out
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    assert (destination / ".pre-commit-hooks.yaml").is_file(), "the work tree has no .pre-commit-hooks.yaml"
    checked(["git", "init", "-q"], destination, env)
    checked(["git", "add", "-A"], destination, env)
    checked(["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "work tree"], destination, env)
    return checked(["git", "rev-parse", "HEAD"], destination, env).strip()


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> Hooked:
    if shutil.which("git") is None:
        pytest.fail("git is not on PATH: the pre-commit hook tests need it")
    if importlib.util.find_spec("pre_commit") is None:
        pytest.fail("pre-commit is not installed: pip install -e '.[test]'")
    folder = tmp_path_factory.mktemp("precommit")
    env = _environment(folder)
    hook_repo = folder / "hook-repo"
    rev = _snapshot(env, hook_repo)
    config = (
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: kerascheck\n"
    )
    hooked = Hooked(env, config, 0.0)
    # Build the hook's environment once, up front, so that each commit below only runs it.
    warm = hooked.new_repo(folder / "warm-up")
    start = time.monotonic()
    checked([sys.executable, "-m", "pre_commit", "install-hooks"], warm, env, timeout=BUILD_TIMEOUT)
    hooked.build_seconds = time.monotonic() - start
    print(f"pre-commit built the kerascheck hook environment in {hooked.build_seconds:.1f} s")
    return hooked


def test_the_manifest_is_valid_for_the_installed_pre_commit():
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True, text=True, timeout=COMMIT_TIMEOUT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_commit_with_a_model_keras_rejects_fails_and_shows_the_diagnostic(hooked: Hooked, tmp_path: Path):
    repo = hooked.new_repo(tmp_path / "repo")
    done = hooked.commit(repo, {"model.py": BAD_MODEL})
    assert done.returncode != 0, done.stdout
    assert "kerascheck" in done.stdout and "Failed" in done.stdout, done.stdout
    assert reports_kc101(done.stdout, "model.py"), done.stdout
    assert run(["git", "rev-parse", "--verify", "-q", "HEAD"], repo, hooked.env).returncode != 0, "nothing was to be committed"


def test_a_commit_with_a_good_model_succeeds(hooked: Hooked, tmp_path: Path):
    repo = hooked.new_repo(tmp_path / "repo")
    done = hooked.commit(repo, {"model.py": GOOD_MODEL})
    assert done.returncode == 0, done.stdout
    assert "kerascheck" in done.stdout and "Passed" in done.stdout, done.stdout
    assert "model.py" in hooked.head_files(repo)

    # Files that are neither Python nor stubs are not handed to the hook; stubs are.
    done = hooked.commit(repo, {"notes.txt": "not Python\n"})
    assert done.returncode == 0 and "(no files to check)Skipped" in done.stdout, done.stdout
    done = hooked.commit(repo, {"model.pyi": BAD_MODEL})
    assert done.returncode != 0 and reports_kc101(done.stdout, "model.pyi"), done.stdout


def test_the_configured_exclude_applies_to_the_files_pre_commit_names(hooked: Hooked, tmp_path: Path):
    repo = hooked.new_repo(tmp_path / "repo")
    pyproject = '[tool.kerascheck]\nexclude = ["generated/"]\n'
    # Both bad files are staged, so pre-commit names both; only the one outside generated/ is reported.
    done = hooked.commit(repo, {"pyproject.toml": pyproject, "generated/model.py": BAD_MODEL, "model.py": BAD_MODEL})
    assert done.returncode != 0, done.stdout
    assert reports_kc101(done.stdout, "model.py"), done.stdout
    assert "generated/" not in done.stdout, done.stdout

    done = hooked.commit(repo, {"model.py": GOOD_MODEL})
    assert done.returncode == 0, done.stdout
    assert "Passed" in done.stdout, done.stdout
    assert {"generated/model.py", "model.py", "pyproject.toml"} <= hooked.head_files(repo)
