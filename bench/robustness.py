"""kerascheck over ordinary Python: the standard library and installed packages.

Run it from the repository root with the project's virtualenv (it takes long:
run it in the background, with ``nice``)::

    /work/venv/bin/python bench/robustness.py                  # the standard library and site-packages
    /work/venv/bin/python bench/robustness.py --every-file     # every file interpreted, Keras or not
    /work/venv/bin/python bench/robustness.py PATH... --traceback
    /work/venv/bin/python bench/robustness.py --part 1/2 & /work/venv/bin/python bench/robustness.py --part 2/2

It analyses each ``*.py`` file under the paths (default: the running Python's
standard library and its ``site-packages``: tensorflow, keras, numpy, rich...)
in this process, as ``kerascheck summary`` does (one parse cache for the run,
the analysis on its deep stack), and prints:

* files: how many were analysed, and how many were interpreted (the others
  name no Keras, nor import a module that does, and are skipped unparsed);
* KC000: kerascheck's internal errors, with the first line of each distinct
  one (and, with ``--traceback``, where it was raised).  Python's own errors
  in the analysed code are that code's values unknown, never a KC000: each is
  a bug of kerascheck, to fix, never to silence;
* limits hit: KC002 (a budget: steps, loops, depth, the file's words of
  values; a source nested too deeply or too large to parse) and KC004 (the
  time guard), by kind;
* peak resident memory and time, and the slowest files.

By default a file is interpreted only when it names Keras (or imports a
module that does), as the command line does; ``--every-file`` interprets every
file as if it did (the analysis's ``MENTIONS_KERAS`` is replaced for the run),
which puts all of the standard library through the interpreter.  This is a
report, not a test: it exits 0 unless its own arguments are wrong.  To see
where a long run is, send it ``SIGUSR1`` (``kill -USR1 PID``): its threads'
stacks go to standard error.
"""

from __future__ import annotations

import argparse
import collections
import faulthandler
import re
import resource
import signal
import sys
import sysconfig
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kerascheck import analysis  # noqa: E402
from kerascheck.analysis import Options, analyze_bytes  # noqa: E402
from kerascheck.deep_stack import with_deep_stack  # noqa: E402
from kerascheck.interpreter.modules import ParseCache  # noqa: E402

#: how many of the slowest files are listed
SLOWEST = 10


def default_paths() -> list[Path]:
    """The running Python's standard library and its site-packages."""
    return [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"])]


def python_files(paths: list[Path], stdlib: Path) -> list[Path]:
    """Every ``*.py`` file under ``paths``, in order; under the standard library, not
    its ``site-packages`` (given on its own when wanted)."""
    files: list[Path] = []
    for path in paths:
        found = [path] if path.is_file() else sorted(path.rglob("*.py"))
        if path == stdlib:
            found = [f for f in found if "site-packages" not in f.relative_to(path).parts]
        files.extend(f for f in found if f.is_file())
    return list(dict.fromkeys(files))


def kind_of(message: str) -> str:
    """A limit's message without its numbers and names, to count hits by kind."""
    return re.sub(r"'[^']*'|\d[\d,.]*", "N", message.split(";")[0])[:100]


def run(files: list[Path], show_tracebacks: bool) -> None:
    cache = ParseCache()
    options = Options()
    interpreted = 0
    errors: dict[str, list[str]] = collections.defaultdict(list)
    limits: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}  # a file of each kind of limit hit
    times: list[tuple[float, str]] = []
    peak_file = ""  # the file whose analysis last raised the peak memory
    interpret = analysis.interpret

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal interpreted
        interpreted += 1
        return interpret(*args, **kwargs)

    analysis.interpret = counting
    start = time.perf_counter()
    for index, file in enumerate(files, 1):
        try:
            data = file.read_bytes()
        except OSError:
            continue
        began, peak = time.perf_counter(), peak_mb()
        report = analyze_bytes(data, str(file), options, cache)
        times.append((time.perf_counter() - began, str(file)))
        if peak_mb() > peak:
            peak_file = str(file)
        for diagnostic in report.diagnostics:
            if diagnostic.code == "KC000":
                errors[diagnostic.message.splitlines()[0]].append(str(file))
            elif diagnostic.code in ("KC002", "KC004"):
                kind = f"{diagnostic.code} {kind_of(diagnostic.message)}"
                limits[kind] += 1
                examples.setdefault(kind, f"{file}:{diagnostic.span.line}")
        if index % 200 == 0:
            print(f"... {index:,} files, {sum(map(len, errors.values()))} KC000, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    analysis.interpret = interpret
    elapsed = time.perf_counter() - start

    print(f"files: {len(files):,} analysed, {interpreted:,} interpreted")
    print(f"KC000: {sum(map(len, errors.values()))} in {len(errors)} distinct errors")
    for message, paths in sorted(errors.items(), key=lambda item: -len(item[1])):
        print(f"  {len(paths):5}  {message}  (e.g. {paths[0]})")
        if show_tracebacks:
            print(textwrap_indent(where_raised(Path(paths[0]), cache)))
    print(f"limits hit: {sum(limits.values())}")
    for kind, count in limits.most_common():
        print(f"  {count:5}  {kind}  (e.g. {examples[kind]})")
    print(f"peak RSS: {peak_mb():.0f} MB (reached analysing {peak_file})")
    print(f"time: {elapsed:.0f} s ({elapsed / max(len(files), 1) * 1000:.0f} ms a file)")
    print("slowest:")
    for seconds, path in sorted(times, reverse=True)[:SLOWEST]:
        print(f"  {seconds:7.2f} s  {path}")


def peak_mb() -> float:
    """The process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def where_raised(file: Path, cache: ParseCache) -> str:
    """The traceback of the internal error analysing ``file`` (run again, unguarded)."""
    source = file.read_bytes().decode("utf-8-sig", "replace")
    module = cache.parse(file, source, imported=False)
    project = analysis.Project.of(str(file), cache, analysis.modelled())
    try:
        keras = analysis.interpret(module, Options(), analysis.FileReport(str(file)), [], project)
        analysis.run_rules(str(file), keras, Options())
    except Exception:  # noqa: BLE001 - shown, not handled
        return traceback.format_exc(limit=-8)
    return "(not raised again)"


def textwrap_indent(text: str) -> str:
    return "\n".join("         " + line for line in text.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the standard library and site-packages)")
    parser.add_argument("--every-file", action="store_true", help="interpret every file, Keras or not")
    parser.add_argument("--traceback", action="store_true", help="show where each distinct internal error is raised")
    parser.add_argument("--limit", type=int, default=0, help="analyse at most this many files (0: all)")
    parser.add_argument("--part", default="1/1", help="K/N: only the K-th of N interleaved parts of the files (to run N processes side by side)")
    args = parser.parse_args()
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # ``kill -USR1 PID``: where the run is
    stdlib = default_paths()[0]
    files = python_files(args.paths or default_paths(), stdlib)
    if args.limit:
        files = files[: args.limit]
    part, parts = (int(number) for number in args.part.split("/"))
    if not 1 <= part <= parts:
        parser.error(f"--part {args.part}: K/N with 1 <= K <= N")
    files = files[part - 1 :: parts]
    if args.every_file:
        analysis.MENTIONS_KERAS = re.compile("")  # every file names Keras, as far as the analysis asks
    print(f"{'every file' if args.every_file else 'files that name Keras'} interpreted, of {', '.join(map(str, args.paths or default_paths()))}")
    with_deep_stack(run, files, args.traceback)


if __name__ == "__main__":
    main()
