"""Prove that a change of kerascheck's code changes none of its output.

Runs the command line of two versions of kerascheck (a git ref, checked out in
a temporary worktree, and the working tree) over the same files, in every
output format, and compares what each printed (stdout, stderr and the exit
code), byte for byte::

    python scripts/same_reports.py --before main~3
    python scripts/same_reports.py --before v0.1 fixtures path/to/other/folder

Without PATHs it compares ``fixtures/`` (every command and format), the
installed ``keras/src/applications`` (summary and check, table and JSON) and
the installed ``keras/src`` (summary and check as JSON).  It exits 1 when
anything differs, printing the first lines of each difference.  A refactoring
is behaviour-preserving when this prints "identical" for all of them.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ALL_RULES = ["--select", "KC", "--exit-zero"]
#: (label, arguments before the path): every command and format
EVERY_FORMAT = [
    ("summary-table", ["summary"]),
    ("summary-explain", ["summary", "--explain"]),
    ("summary-json", ["summary", "--output-format", "json"]),
    ("summary-json-explain", ["summary", "--output-format", "json", "--explain"]),
    ("summary-channels-first", ["summary", "--output-format", "json", "--data-format", "channels_first"]),
    ("summary-input-shapes", ["summary", "--output-format", "json", "--input-shape", "build_model=28,28,1",
                              "--input-shape", "Net=784", "--input-shape", "sequential=20"]),
    ("check-default", ["check", "--output-format", "json", "--exit-zero"]),
    *[(f"check-{fmt}", ["check", "--output-format", fmt, *ALL_RULES])
      for fmt in ("full", "concise", "json", "json-lines", "sarif", "github")],
    ("check-statistics", ["check", "--statistics", *ALL_RULES]),
]
SOME_FORMATS = [
    ("summary-table", ["summary"]),
    ("summary-json-explain", ["summary", "--output-format", "json", "--explain"]),
    ("check-json", ["check", "--output-format", "json", *ALL_RULES]),
    ("check-full", ["check", "--output-format", "full", *ALL_RULES]),
]
JSON_ONLY = [
    ("summary-json", ["summary", "--output-format", "json"]),
    ("check-json", ["check", "--output-format", "json", *ALL_RULES]),
]
NO_PATH = [("rule-all", ["rule", "--all"]), ("rule-KC201", ["rule", "KC201"]), ("help", ["--help"])]

RUNNER = "import sys; from kerascheck.cli import main; sys.exit(main(sys.argv[1:]))"


def keras_src() -> Path | None:
    """The installed Keras package's ``src`` folder (read as data, never imported)."""
    for entry in map(Path, sys.path):
        candidate = entry / "keras" / "src"
        if candidate.is_dir():
            return candidate
    return None


def jobs(paths: list[str]) -> list[tuple[str, list[str]]]:
    """(label, command-line arguments) of everything to compare."""
    if paths:
        return [(f"{p} {label}", [*args, p]) for p in paths for label, args in EVERY_FORMAT] + NO_PATH
    out = [(f"fixtures {label}", [*args, "fixtures"]) for label, args in EVERY_FORMAT] + list(NO_PATH)
    src = keras_src()
    if src is None:
        print("Keras is not installed: keras/src is not compared", file=sys.stderr)
        return out
    out += [(f"keras/src/applications {label}", [*args, str(src / "applications")]) for label, args in SOME_FORMATS]
    out += [(f"keras/src {label}", [*args, str(src)]) for label, args in JSON_ONLY]
    return out


def run(src: Path, args: list[str]) -> bytes:
    """What one version's command line prints (stdout, stderr, exit code)."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "100", "KERASCHECK_NO_CACHE": "1"}  # every run analyses
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], cwd=ROOT, env=env, capture_output=True)
    return done.stdout + b"\n--- stderr ---\n" + done.stderr + f"\n--- exit {done.returncode} ---\n".encode()


def compare(before: Path, after: Path, todo: list[tuple[str, list[str]]], workers: int) -> int:
    differing = 0
    with ThreadPoolExecutor(workers) as pool:
        results = [(label, pool.submit(run, before, a), pool.submit(run, after, a)) for label, a in todo]
        for label, old_future, new_future in results:
            old, new = old_future.result(), new_future.result()
            if old == new:
                print(f"identical  {label}  ({len(old):,} bytes)")
                continue
            differing += 1
            print(f"DIFFERENT  {label}")
            diff = difflib.unified_diff(
                old.decode(errors="replace").splitlines(), new.decode(errors="replace").splitlines(),
                "before", "after", lineterm="", n=1,
            )
            for line in list(diff)[:40]:
                print("    " + line)
    print(f"\n{len(todo) - differing} of {len(todo)} outputs identical")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the git ref of the version to compare with")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("paths", nargs="*", help="files or folders (default: fixtures and the installed keras/src)")
    args = parser.parse_args()
    todo = jobs(args.paths)
    with tempfile.TemporaryDirectory(prefix="kerascheck-before-") as folder:
        worktree = Path(folder) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.before], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            return compare(worktree / "src", ROOT / "src", todo, args.workers)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
