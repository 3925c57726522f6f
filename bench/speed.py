"""kerascheck's speed over a whole tree, against the linters users run beside it.

Run it from the repository root with the project's virtualenv::

    /work/venv/bin/python bench/speed.py                  # the installed keras/src, 3 rounds
    /work/venv/bin/python bench/speed.py --runs 5 some/project --json bench/speed.json

Each round runs every command once, in turn (so a machine whose speed drifts
slows all of them alike), each as a whole process: its wall time, its CPU time
(user + system, its worker processes included) and its peak resident memory
(the largest of its processes), read from the operating system when it ends.
It prints each figure's median over the rounds and, for each other command,
the median of the per-round ratios kerascheck / other.

The commands (the tools that are not installed are left out):

* ``kerascheck cold -jN``: ``kerascheck check`` with an empty result cache, one
  worker and the default number (the cores);
* ``kerascheck warm``: the same again over the unchanged tree, its cache filled;
* ``libcst parse``: ``libcst.parse_module`` of every file, in one process and
  split over the cores: the floor of any libcst-based analysis;
* ``ruff check --no-cache`` (its default rules) and ``flake8 -j<cores>``;
* start-up, each a fresh process without the cache (the median of ``--startup-runs``):
  ``kerascheck --version``, ``kerascheck check`` of a file without Keras code and
  of one small model file (``fixtures/seeds/seed002_strided_mnist.py``), beside
  ``python -c pass``.

kerascheck's modules are compiled to bytecode first, as ``pip install`` does:
run from an editable install where ``PYTHONDONTWRITEBYTECODE`` is set, every
fresh process would otherwise compile each of them again (40 ms for the
modules a model file needs beyond the start).  ``--startup-only`` times only
the fresh processes.

``--per-file`` times each file's analysis instead (CPU seconds, in this
process, one parse cache per repository as in a ``-j1`` run) over the
real-world benchmark's checkouts (``bench/realworld``: repositories with
training loops and generators), and prints the slowest files against the
2-second budget.

This is a report, not a test: it never fails because kerascheck is slower.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_MODEL = ROOT / "fixtures" / "seeds" / "seed002_strided_mnist.py"

PARSE = """
import sys, libcst
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def parse(paths):
    for path in paths:
        try:
            libcst.parse_module(Path(path).read_bytes().decode("utf-8-sig"))
        except Exception:
            pass

jobs, paths = int(sys.argv[1]), sys.argv[2:]
if jobs == 1:
    parse(paths)
else:
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(parse, [paths[i::jobs] for i in range(jobs)]))
"""


@dataclass
class Command:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    before: str = ""  # "empty-cache": its cache folder is emptied before each run
    runs: list[tuple[float, float, float]] = field(default_factory=list)  # wall, cpu, peak MiB

    def median(self, figure: int) -> float:
        return statistics.median(run[figure] for run in self.runs)


def keras_src() -> Path | None:
    """The installed Keras package's ``src`` folder (read as data, never imported)."""
    for entry in map(Path, sys.path):
        candidate = entry / "keras" / "src"
        if candidate.is_dir():
            return candidate
    return None


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def measure(command: Command, cwd: Path) -> tuple[float, float, float]:
    """One run of ``command``: wall seconds, CPU seconds, peak MiB."""
    env = {**os.environ, **command.env}
    start = time.perf_counter()
    process = subprocess.Popen(command.argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return wall, usage.ru_utime + usage.ru_stime, peak


def startup_commands(folder: Path) -> list[Command]:
    """Fresh processes a user waits for; ``folder`` receives the file without Keras code."""
    python = sys.executable
    plain = folder / "plain.py"
    plain.write_text("import os\n\n\ndef area(width, height):\n    return width * height\n\n\nprint(area(2, 3))\n")
    src = {"PYTHONPATH": str(ROOT / "src"), "KERASCHECK_NO_CACHE": "1"}
    return [
        Command("python -c pass", [python, "-c", "pass"]),
        Command("kerascheck --version", [python, "-m", "kerascheck", "--version"], src),
        Command("check, no Keras code", [python, "-m", "kerascheck", "check", str(plain)], src),
        Command("check, one model", [python, "-m", "kerascheck", "check", str(SMALL_MODEL)], src),
    ]


def per_file(budget: float, top: int) -> int:
    """Each real-world checkout's files analysed one by one: the slowest, in CPU seconds."""
    sys.path.insert(0, str(ROOT / "bench" / "realworld"))
    import manifests  # noqa: E402 - bench/realworld's
    from kerascheck import parallel
    from kerascheck.analysis import Options
    from kerascheck.deep_stack import with_deep_stack
    from kerascheck.interpreter.modules import ParseCache

    times: list[tuple[float, str]] = []

    def analyse(root: Path, repo: str) -> None:  # as a ``-j1`` run does: its collections included
        cache = ParseCache()
        with parallel.tuned_gc():
            for path in sorted(root.rglob("*.py")):
                start = time.process_time()
                parallel.run(parallel.Task(str(path), path.read_bytes(), Options()), cache)
                parallel.settle()
                times.append((time.process_time() - start, f"{repo}: {path.relative_to(root)}"))

    for manifest in manifests.all_manifests():
        root = manifests.checkout(manifests.MIRRORS, manifest)
        if root is not None:
            with_deep_stack(analyse, root, manifest.repo)
    times.sort(reverse=True)
    print(f"{len(times)} files; {sum(t for t, _ in times):.1f} s CPU in all; over {budget:g} s: "
          f"{sum(t > budget for t, _ in times)}")
    for seconds, name in times[:top]:
        print(f"{seconds:8.2f} s  {name}")
    return 0


def commands(tree: Path, cache: Path, jobs: int) -> list[Command]:
    python = sys.executable
    src = {"PYTHONPATH": str(ROOT / "src"), "KERASCHECK_CACHE_DIR": str(cache)}
    check = [python, "-m", "kerascheck", "check", "--exit-zero", "--output-format", "json"]
    out = [
        Command("kerascheck cold -j1", [*check, "-j1", str(tree)], src, before="empty-cache"),
        Command(f"kerascheck cold -j{jobs}", [*check, f"-j{jobs}", str(tree)], src, before="empty-cache"),
        Command("kerascheck warm", [*check, f"-j{jobs}", str(tree)], src),
    ]
    files = sorted(str(p) for p in tree.rglob("*.py"))
    out += [Command(f"libcst parse -j{n}", [python, "-c", PARSE, str(n), *files]) for n in sorted({1, jobs})]
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(python).parent))
    if ruff:
        out.append(Command("ruff check --no-cache", [ruff, "check", "--no-cache", "--isolated", "--exit-zero", "--quiet", str(tree)]))
    flake8 = shutil.which("flake8", path=str(Path(python).parent)) or shutil.which("flake8")
    if flake8:
        out.append(Command(f"flake8 -j{jobs}", [flake8, f"-j{jobs}", "--exit-zero", "--isolated", str(tree)]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", nargs="?", type=Path, help="the folder to check (default: the installed keras/src)")
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--jobs", type=int, default=cores(), help="workers for the parallel commands (default: the cores)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--startup-runs", type=int, default=11, help="runs of each start-up command (default 11)")
    parser.add_argument("--per-file", action="store_true", help="time each file of the real-world checkouts instead")
    parser.add_argument("--startup-only", action="store_true", help="time only the fresh processes")
    args = parser.parse_args()
    if args.per_file:
        return per_file(budget=2.0, top=10)
    tree = args.tree or keras_src()
    if tree is None:
        parser.error("Keras is not installed: name a folder")
    compileall.compile_dir(ROOT / "src" / "kerascheck", quiet=1)  # as ``pip install`` does (see the docstring)
    lines = sum(p.read_bytes().count(b"\n") for p in tree.rglob("*.py"))
    runs = 0 if args.startup_only else args.runs
    print(f"{tree}: {sum(1 for _ in tree.rglob('*.py'))} files, {lines:,} lines; {cores()} cores; {runs} rounds")
    with tempfile.TemporaryDirectory(prefix="kerascheck-speed-") as folder:
        cache = Path(folder) / "cache"
        todo = commands(tree, cache, args.jobs) if runs else []
        if todo:
            measure(todo[1], ROOT)  # fills the cache for the first warm run, and warms the disk
        for round_ in range(runs):
            for command in todo:
                if command.before == "empty-cache":
                    shutil.rmtree(cache, ignore_errors=True)
                command.runs.append(measure(command, ROOT))
            print(f"round {round_ + 1} of {args.runs} done", file=sys.stderr)
        startup = startup_commands(Path(folder))
        for _ in range(args.startup_runs):
            for command in startup:
                command.runs.append(measure(command, ROOT))
    if todo:
        report(todo)
    report_startup(startup)
    if args.json is not None:
        figures = {c.label: {"argv": c.argv, "runs": [dict(zip(("wall", "cpu", "peak_mib"), r)) for r in c.runs]}
                   for c in [*todo, *startup]}
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def report_startup(startup: list[Command]) -> None:
    print(f"\nstart-up, fresh processes without the cache ({len(startup[0].runs)} runs): median wall ms (budget)")
    budgets = {"kerascheck --version": 150, "check, no Keras code": 100, "check, one model": 350}
    for command in startup:
        budget = budgets.get(command.label)
        verdict = "" if budget is None else f"  ({budget} ms: {'met' if command.median(0) * 1000 <= budget else 'MISSED'})"
        print(f"  {command.label:<24}{command.median(0) * 1000:>7.0f}{verdict}")


def report(todo: list[Command]) -> None:
    print(f"\n{'command':<26}{'wall s':>9}{'CPU s':>9}{'peak MiB':>10}")
    for command in todo:
        print(f"{command.label:<26}{command.median(0):>9.2f}{command.median(1):>9.2f}{command.median(2):>10.0f}")
    kerascheck = [c for c in todo if c.label.startswith("kerascheck")]
    others = [c for c in todo if not c.label.startswith("kerascheck")]
    print("\nratios, median of the rounds' (kerascheck / other): wall, CPU")
    for mine in kerascheck:
        for other in [*others, *(c for c in kerascheck if c is not mine and mine.label.endswith("warm"))]:
            wall = statistics.median(a[0] / b[0] for a, b in zip(mine.runs, other.runs))
            cpu = statistics.median(a[1] / b[1] for a, b in zip(mine.runs, other.runs))
            print(f"  {mine.label:<22} / {other.label:<24} {wall:>7.2f}x  {cpu:>7.2f}x")


if __name__ == "__main__":
    sys.exit(main())
