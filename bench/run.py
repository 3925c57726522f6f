"""kerascheck benchmark: how much faster is reading the source than running Keras?

Run it from the repository root with the project's virtualenv::

    /work/venv/bin/python bench/run.py                 # everything
    /work/venv/bin/python bench/run.py --skip-keras    # kerascheck timings only
    /work/venv/bin/python bench/run.py --runs 9 --json bench/last.json

This is a report, not a test: it always exits 0 (unless its own arguments are
wrong) and never fails because a target is missed.

What it prints
--------------
1. Per fixture file (every ``*.py`` under ``--fixtures``; an ``X.keras3.py`` twin
   is not a row of its own, it stands in for its legacy ``X.py`` on the Keras side):

   * ``kerascheck``: in-process wall time of ``read_bytes`` + ``analyze_bytes``,
     the median of ``--runs`` runs after one warm-up run.
   * ``keras``: in-process wall time of executing the fixture (its twin if it has
     one) as ``__main__`` with Keras 3 (TensorFlow backend) already imported,
     ``keras.backend.clear_session()`` before each run; the median of
     ``--keras-runs`` runs after one warm-up run.  Keras's import time is *not*
     counted (it would only make the ratio larger).
   * ``ratio`` = keras / kerascheck, and whether it meets the issue's target
     (kerascheck at least 50x faster per file).

   Then the overall ratio (sum of keras times / sum of kerascheck times), the
   median and the minimum per-file ratio.  A fixture that fails under Keras is
   reported with its error and left out of the ratios.

2. Start-up: the median wall time of ``kerascheck --version`` run as a console
   script in a subprocess, against the 150 ms budget (a bare ``python -c pass``
   is timed alongside, for scale), and what ``kerascheck.cli`` imports on that
   path (``python -X importtime``): libcst, the interpreter, Keras and friends
   must not be among them.

3. Where kerascheck's time goes over the whole fixtures folder, as the pipeline
   itself times it (``analyze_source(..., timings=...)`` in
   ``src/kerascheck/analysis.py``): reading (read + decode), parsing
   (``libcst.parse_module``), interpretation, rules, reporting (report data and
   the source positions of what is reported, computed in one pass) and
   rendering (the JSON reporter, which ``analyze_bytes`` does not include).
   Each stage is the median of ``--runs``
   runs per file, summed over files, and shown as a share of the total.  For
   reference, libcst's full ``PositionProvider`` (through
   ``MetadataWrapper(unsafe_skip_copy=True)``, every node of the module) is timed
   too, with libcst's parse throughput (lines/second), on the fixtures and on
   the installed ``keras/src/applications/*.py`` (read in place from
   site-packages).

4. As a user runs them (``--cold-files N``, default 5): ``kerascheck summary FILE``
   against ``python FILE`` with Keras, each in a fresh process with its imports
   (what someone checking a model actually waits for), and one ``kerascheck
   summary`` over the whole fixtures folder.

5. keras.applications: ``analyze_bytes`` over every file of the installed
   ``keras/src/applications`` folder (median of ``--runs`` passes over the
   folder, after a warm-up) against Keras building each public constructor the
   analysis reports (``NAME() with its default arguments``, 40 models) with
   those defaults, its weights download refused (one build per model after one
   warm-up build, ``clear_session()`` and the refusal outside the timed
   region), as a ratio.

``--json FILE`` writes all of these numbers as JSON as well.

Whole trees
-----------
The figures of a whole-repository run (the installed ``keras/src``: cold with
one worker and all cores, warm, against libcst's bare parse, ruff and flake8;
start-up of fresh processes; the slowest files of the real-world checkouts)
come from ``bench/speed.py`` (``--whole-tree`` runs it after the sections
above, one round); the README's performance figures are its.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

# Must be set before Keras (or anything importing TensorFlow) is imported.
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "oracle"))
from offline_datasets import offline_datasets  # noqa: E402 - keras.datasets served as the oracle serves them
TWIN_SUFFIX = ".keras3.py"
TARGET_RATIO = 50.0
STARTUP_BUDGET_S = 0.150
# Modules that must not be loaded by ``kerascheck --version``.
HEAVY_MODULES = ("libcst", "kerascheck.analysis", "kerascheck.interpreter", "kerascheck.catalog",
                 "pathspec", "keras", "tensorflow", "numpy")

now = time.perf_counter


# --------------------------------------------------------------------------
# Small helpers


def median(values):
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f}"


def timed(function, *args):
    start = now()
    result = function(*args)
    return now() - start, result


def fixture_files(folder: Path) -> list[Path]:
    """Every fixture file; twins stand in for their original and get no row."""
    return sorted(
        p for p in folder.rglob("*.py")
        if not p.name.endswith(TWIN_SUFFIX) and "__pycache__" not in p.parts
    )


def twin_of(path: Path) -> Path | None:
    twin = path.with_name(path.name[: -len(".py")] + TWIN_SUFFIX)
    return twin if twin.exists() else None


def line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.as_posix()


# --------------------------------------------------------------------------
# 1a. kerascheck, end to end per file


def time_kerascheck(files: list[Path], runs: int) -> dict[Path, dict]:
    from kerascheck.analysis import Options, analyze_bytes

    def once(path: Path):
        return analyze_bytes(path.read_bytes(), str(path), Options())

    results = {}
    for path in files:
        report = once(path)  # warm-up (also loads the catalog lazily on the first file)
        samples = []
        for _ in range(runs):
            gc.collect()
            seconds, report = timed(once, path)
            samples.append(seconds)
        results[path] = {
            "seconds": median(samples),
            "samples": samples,
            "models": len(report.models),
            "internal_errors": sum(d.code == "KC000" for d in report.diagnostics),
        }
    return results


# --------------------------------------------------------------------------
# 1b. real Keras


@contextlib.contextmanager
def keras_state(keras):
    """Restore the process-wide settings a fixture may change (data format etc.)."""
    saved = (keras.config.image_data_format(), keras.config.floatx(), keras.config.epsilon(),
             keras.config.dtype_policy())
    try:
        yield
    finally:
        keras.config.set_image_data_format(saved[0])
        keras.config.set_floatx(saved[1])
        keras.config.set_epsilon(saved[2])
        keras.config.set_dtype_policy(saved[3])


def exec_fixture(keras, path: Path, source: str) -> float:
    """Execute ``source`` as ``__main__`` from its folder; return the wall time of
    the run proper (clear_session excluded).  Raises what the fixture raises."""
    keras.backend.clear_session()
    gc.collect()
    sink = io.StringIO()
    cwd, argv = os.getcwd(), sys.argv
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    sys.argv = [str(path)]
    try:
        with keras_state(keras), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
                offline_datasets(keras):
            namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": __builtins__}
            start = now()
            try:
                exec(compile(source, str(path), "exec"), namespace)
            except SystemExit as exc:
                if exc.code not in (None, 0):
                    raise RuntimeError(f"SystemExit({exc.code!r})") from exc
            return now() - start
    finally:
        sys.argv = argv
        with contextlib.suppress(ValueError):
            sys.path.remove(str(path.parent))
        os.chdir(cwd)
        keras.backend.clear_session()


def time_keras(files: list[Path], runs: int) -> tuple[dict[Path, dict], float]:
    start = now()
    with contextlib.redirect_stderr(io.StringIO()):
        import keras  # noqa: F401 - imported once, outside every timed region
        import tensorflow  # noqa: F401
    import_seconds = now() - start
    results = {}
    for path in files:
        executed = twin_of(path) or path
        entry = {"executed": rel(executed)}
        try:
            source = executed.read_text(encoding="utf-8")
            exec_fixture(keras, executed, source)  # warm-up
            samples = [exec_fixture(keras, executed, source) for _ in range(runs)]
            entry.update(seconds=median(samples), samples=samples)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a failing fixture is reported, never fatal
            last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            here = last and Path(last[0].filename).resolve() == Path(__file__).resolve()
            where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last and not here else ""
            message = " ".join(str(exc).split())[:160]
            entry["error"] = f"{type(exc).__name__}: {message}{where}"
        results[path] = entry
        print(f"  keras  {rel(path):<60} {'FAILED' if 'error' in entry else ms(entry['seconds']) + ' ms'}",
              file=sys.stderr, flush=True)
    return results, import_seconds


# --------------------------------------------------------------------------
# 2. start-up


def console_script() -> list[str]:
    candidate = Path(sys.executable).parent / "kerascheck"
    if candidate.exists():
        return [str(candidate)]
    found = shutil.which("kerascheck")
    return [found] if found else [sys.executable, "-m", "kerascheck"]


def time_command(command: list[str], runs: int) -> tuple[float, list[float], str]:
    subprocess.run(command, capture_output=True)  # warm-up (file-system caches)
    samples, output = [], ""
    for _ in range(runs):
        start = now()
        done = subprocess.run(command, capture_output=True, text=True)
        samples.append(now() - start)
        output = (done.stdout + done.stderr).strip()
    return median(samples), samples, output


IMPORTTIME_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def startup_imports() -> dict:
    """What ``kerascheck --version`` imports, from ``python -X importtime``."""
    code = "import sys; from kerascheck.cli import main; sys.exit(main(['--version']))"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    modules: dict[str, int] = {}  # module -> cumulative microseconds
    for line in done.stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match:
            modules[match.group(4)] = int(match.group(2))
    heavy = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY_MODULES))
    kerascheck_modules = sorted(m for m in modules if m == "kerascheck" or m.startswith("kerascheck."))
    top_level = sorted(((us, m) for m, us in modules.items() if "." not in m), reverse=True)[:8]
    return {
        "version_output": done.stdout.strip(),
        "modules_imported": len(modules),
        "kerascheck_modules": kerascheck_modules,
        "cli_cumulative_ms": modules.get("kerascheck.cli", 0) / 1000,
        "heavy_modules_imported": heavy,
        "slowest_top_level_ms": [[m, us / 1000] for us, m in top_level],
    }


# --------------------------------------------------------------------------
# 3. stage breakdown and libcst throughput


STAGES = ("reading", "parsing", "interpretation", "rules", "reporting", "rendering")


def stage_times(path: Path) -> dict[str, float]:
    """One pass of the pipeline, timed stage by stage by ``analyze_source`` itself
    (reporting includes the source positions of what is reported)."""
    from kerascheck.analysis import Options, analyze_source
    from kerascheck.reporters import json_report

    times = dict.fromkeys(STAGES, 0.0)
    start = now()
    source = path.read_bytes().decode("utf-8-sig")
    times["reading"] = now() - start
    report = analyze_source(source, str(path), Options(), timings=times)
    start = now()
    json_report.render([report])
    times["rendering"] = now() - start
    return times


def breakdown(files: list[Path], runs: int) -> dict:
    totals = dict.fromkeys(STAGES, 0.0)
    for path in files:
        stage_times(path)  # warm-up
        samples = [stage_times(path) for _ in range(runs)]
        for stage in STAGES:
            totals[stage] += median([s[stage] for s in samples])
    total = sum(totals.values())
    return {
        "seconds": totals,
        "total_seconds": total,
        "percent": {s: (100 * v / total if total else 0.0) for s, v in totals.items()},
    }


def parse_throughput(files: list[Path], runs: int) -> dict:
    """libcst ``parse_module`` lines per second over ``files`` (best of ``runs`` passes)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    sources = []
    for path in files:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            sources.append(path.read_text(encoding="utf-8"))
    lines = sum(line_count(s) for s in sources)
    parse_passes, meta_passes, failures = [], [], 0
    modules = []
    for source in sources[:1]:
        cst.parse_module(source)  # warm-up
    for _ in range(max(1, runs)):
        modules, start, failures = [], now(), 0
        for source in sources:
            try:
                modules.append(cst.parse_module(source))
            except Exception:  # noqa: BLE001
                failures += 1
        parse_passes.append(now() - start)
        start = now()
        for module in modules:
            MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        meta_passes.append(now() - start)
    parse_s, meta_s = min(parse_passes), min(meta_passes)
    return {
        "files": len(sources),
        "lines": lines,
        "parse_failures": failures,
        "parse_seconds": parse_s,
        "parse_lines_per_second": lines / parse_s if parse_s else float("nan"),
        "positions_seconds": meta_s,
        "positions_lines_per_second": lines / meta_s if meta_s else float("nan"),
    }


APPLICATION_CONTEXT = re.compile(r"^(\w+)\(\) with its default arguments$")


class _Download(Exception):
    """Keras asked for an application's pretrained weights: the model is built."""


def time_applications_kerascheck(files: list[Path], runs: int) -> dict:
    """kerascheck over the whole applications folder, and the constructors it reports."""
    from kerascheck.analysis import Options, analyze_bytes

    def once():
        return [analyze_bytes(path.read_bytes(), str(path), Options()) for path in files]

    reports = once()  # warm-up
    samples = []
    for _ in range(runs):
        gc.collect()
        seconds, reports = timed(once)
        samples.append(seconds)
    models = [(match.group(1), model) for report in reports for model in report.models
              if (match := APPLICATION_CONTEXT.match(model.context))]
    builders = list(dict.fromkeys(name for name, _ in models))
    totals = {name: model.total for name, model in models if model.total is not None}
    return {"seconds": median(samples), "samples": samples, "files": len(files), "builders": builders,
            "rows": sum(len(model.layers) for _, model in models), "known_totals": len(totals)}


def time_applications_keras(builders: list[str]) -> dict:
    """Keras building each constructor with its default arguments (no weights download)."""
    with contextlib.redirect_stderr(io.StringIO()):
        import keras
    from keras.src.utils import file_utils

    def refuse(*args, **kwargs):
        raise _Download()

    def build(name: str) -> float:
        keras.backend.clear_session()
        gc.collect()
        original, file_utils.get_file = file_utils.get_file, refuse
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                start = now()
                try:
                    getattr(keras.applications, name)()
                except _Download:
                    pass
                return now() - start
        finally:
            file_utils.get_file = original
            keras.backend.clear_session()

    build("MobileNetV3Small")  # warm-up: TensorFlow's first graph work
    seconds = {}
    for name in builders:
        seconds[name] = build(name)
        print(f"  keras  {name:<60} {ms(seconds[name])} ms", file=sys.stderr, flush=True)
    return {"seconds": seconds, "total_seconds": sum(seconds.values())}


def print_applications(ours: dict, theirs: dict | None) -> None:
    print()
    print(f"5. keras.applications: kerascheck over the {ours['files']} files of keras/src/applications "
          f"vs Keras building the {len(ours['builders'])} models they define (default arguments, no download)")
    print(f"   kerascheck: {ours['seconds'] * 1000:.1f} ms for the folder (median of {len(ours['samples'])}), "
          f"{len(ours['builders'])} models, {ours['rows']:,} rows, {ours['known_totals']} with known totals")
    if theirs is None:
        print("   (Keras timings skipped)")
        return
    slowest = sorted(theirs["seconds"].items(), key=lambda item: -item[1])[:3]
    print(f"   keras:      {theirs['total_seconds'] * 1000:.1f} ms for the {len(theirs['seconds'])} models "
          f"(slowest: {', '.join(f'{n} {t * 1000:.0f} ms' for n, t in slowest)})")
    print(f"   ratio (keras / kerascheck): {theirs['total_seconds'] / ours['seconds']:.1f}x")


def keras_applications() -> list[Path]:
    """The installed ``keras/src/applications/*.py``, located without importing keras."""
    import importlib.util

    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(list(spec.submodule_search_locations)[0]) / "src" / "applications"
    return sorted(folder.glob("*.py"))


# --------------------------------------------------------------------------
# Driver


def kerascheck_phase(files: list[Path], runs: int) -> dict:
    """Everything that runs kerascheck in-process (kept apart from Keras and TF)."""
    out = {"per_file": time_kerascheck(files, runs), "breakdown": breakdown(files, runs)}
    out["throughput_fixtures"] = parse_throughput(files, runs)
    applications = keras_applications()
    out["throughput_applications"] = parse_throughput(applications, min(runs, 3)) if applications else None
    out["applications"] = time_applications_kerascheck(applications, min(runs, 3)) if applications else None
    return out


def cold_processes(files: list[Path], folder: Path) -> dict:
    """What a user waits for: ``kerascheck summary FILE`` against ``python FILE``
    (its Keras 3 twin if it has one), each in a fresh process, imports included;
    and one ``kerascheck summary`` over the whole folder."""
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    rows = []
    for path in files:
        start = now()
        subprocess.run(console_script() + ["summary", str(path)], capture_output=True)
        ours = now() - start
        start = now()
        done = subprocess.run([sys.executable, str(twin_of(path) or path)], capture_output=True, env=env, cwd=path.parent)
        theirs = now() - start
        rows.append({"file": rel(path), "kerascheck_seconds": ours, "keras_seconds": theirs,
                     "keras_failed": done.returncode != 0})
    start = now()
    subprocess.run(console_script() + ["summary", str(folder)], capture_output=True)
    return {"files": rows, "folder": rel(folder), "folder_files": len(fixture_files(folder)),
            "folder_kerascheck_seconds": now() - start}


def print_cold(cold: dict) -> None:
    print()
    print("4. As a user runs them: each command in a fresh process, imports included (ms)")
    width = max(len(r["file"]) for r in cold["files"])
    print(f"   {'fixture':<{width}}  {'kerascheck summary FILE':>23}  {'python FILE (Keras)':>19}  {'ratio':>7}")
    for r in cold["files"]:
        ratio = r["keras_seconds"] / r["kerascheck_seconds"]
        failed = "  (Keras run failed)" if r["keras_failed"] else ""
        print(f"   {r['file']:<{width}}  {r['kerascheck_seconds'] * 1000:23.0f}  {r['keras_seconds'] * 1000:19.0f}  "
              f"{ratio:6.1f}x{failed}")
    print(f"   one `kerascheck summary {cold['folder']}` over all {cold['folder_files']} files: "
          f"{cold['folder_kerascheck_seconds'] * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=REPO / "fixtures", help="folder of fixture files (default: fixtures/)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per file for kerascheck (median; default 5)")
    parser.add_argument("--keras-runs", type=int, default=3, help="timed runs per file for Keras (median; default 3)")
    parser.add_argument("--startup-runs", type=int, default=10, help="runs of `kerascheck --version` (default 10)")
    parser.add_argument("--skip-keras", action="store_true", help="only time kerascheck")
    parser.add_argument("--cold-files", type=int, default=5,
                        help="fixtures timed as a user runs them, each in a fresh process (default 5; 0 skips)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the numbers as JSON to FILE")
    parser.add_argument("--whole-tree", action="store_true",
                        help="then time the installed keras/src as a whole (bench/speed.py, one round)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.keras_runs < 1 or args.startup_runs < 1:
        parser.error("run counts must be at least 1")

    files = fixture_files(args.fixtures)
    if not files:
        parser.error(f"no fixture files under {args.fixtures}")
    import kerascheck
    from kerascheck.deep_stack import with_deep_stack

    print(f"kerascheck {kerascheck.__version__} benchmark - Python {platform.python_version()} on {platform.machine()}, "
          f"{len(files)} fixture files under {rel(args.fixtures)}, {args.runs} kerascheck runs / "
          f"{'no' if args.skip_keras else args.keras_runs} Keras runs per file (medians after a warm-up)\n")

    print("timing kerascheck ...", file=sys.stderr, flush=True)
    # In a thread with a big stack and recursion limit, as the command line runs it.
    check = with_deep_stack(kerascheck_phase, files, args.runs)
    print("timing start-up ...", file=sys.stderr, flush=True)
    startup_s, startup_samples, version_text = time_command(console_script() + ["--version"], args.startup_runs)
    python_s, _, _ = time_command([sys.executable, "-c", "pass"], args.startup_runs)
    imports = startup_imports()

    keras_results, keras_import_s = {}, None
    if not args.skip_keras:
        print("timing Keras ...", file=sys.stderr, flush=True)
        keras_results, keras_import_s = time_keras(files, args.keras_runs)

    # ---- 1. per-file table
    print("1. Per-file: kerascheck analysis vs. building the models with Keras (ms, medians)")
    width = max(len(rel(p)) for p in files)
    print(f"   {'fixture':<{width}}  {'kerascheck':>10}  {'keras':>10}  {'ratio':>8}  target {TARGET_RATIO:.0f}x")
    rows, ratios = [], []
    for path in files:
        kc = check["per_file"][path]
        kr = keras_results.get(path)
        row = {"file": rel(path), "kerascheck_seconds": kc["seconds"], "kerascheck_samples": kc["samples"],
               "models_found": kc["models"], "internal_errors": kc["internal_errors"]}
        if kr is not None:
            row["keras_executed"] = kr["executed"]
        keras_col, ratio_col, verdict = "", "", ""
        if kr is None:
            keras_col, verdict = "skipped", ""
        elif "error" in kr:
            keras_col, verdict = "FAILED", kr["error"]
            row["keras_error"] = kr["error"]
        else:
            ratio = kr["seconds"] / kc["seconds"] if kc["seconds"] else float("inf")
            ratios.append(ratio)
            row.update(keras_seconds=kr["seconds"], keras_samples=kr["samples"], ratio=ratio,
                       meets_target=ratio >= TARGET_RATIO)
            keras_col, ratio_col = ms(kr["seconds"]).strip(), f"{ratio:7.1f}x"
            verdict = "yes" if ratio >= TARGET_RATIO else "NO"
        if kr is not None and kr.get("executed") != rel(path):
            verdict += f"  (ran {Path(kr['executed']).name})"
        if kc["internal_errors"]:
            verdict += f"  [kerascheck KC000 x{kc['internal_errors']}]"
        rows.append(row)
        print(f"   {rel(path):<{width}}  {ms(kc['seconds']).strip():>10}  {keras_col:>10}  {ratio_col:>8}  {verdict}")

    summary: dict = {"files": len(files), "kerascheck_total_seconds": sum(check["per_file"][p]["seconds"] for p in files)}
    print()
    print(f"   kerascheck total: {summary['kerascheck_total_seconds'] * 1000:.1f} ms for {len(files)} files")
    if keras_results:
        measured = [r for r in rows if "ratio" in r]
        failed = [r for r in rows if "keras_error" in r]
        keras_total = sum(r["keras_seconds"] for r in measured)
        kc_total = sum(r["kerascheck_seconds"] for r in measured)
        summary.update(
            keras_import_seconds=keras_import_s,
            keras_measured_files=len(measured),
            keras_failed_files=[r["file"] for r in failed],
            keras_total_seconds=keras_total,
            overall_ratio=keras_total / kc_total if kc_total else None,
            median_ratio=median(ratios) if ratios else None,
            min_ratio=min(ratios) if ratios else None,
            min_ratio_file=min(measured, key=lambda r: r["ratio"])["file"] if measured else None,
            files_meeting_target=sum(r["meets_target"] for r in measured),
        )
        print(f"   keras total:      {keras_total * 1000:.1f} ms for {len(measured)} files "
              f"(import of keras + tensorflow, not counted: {keras_import_s:.2f} s)")
        if failed:
            print(f"   failed under Keras and left out: {len(failed)} ({', '.join(r['file'] for r in failed)})")
        if ratios:
            print(f"   overall ratio (sum keras / sum kerascheck): {summary['overall_ratio']:.1f}x")
            print(f"   per-file ratio: min {summary['min_ratio']:.1f}x ({summary['min_ratio_file']}), "
                  f"median {summary['median_ratio']:.1f}x, max {max(ratios):.1f}x")
            print(f"   target {TARGET_RATIO:.0f}x per file: met by {summary['files_meeting_target']}/{len(measured)} files"
                  f" -> {'MET' if summary['files_meeting_target'] == len(measured) else 'NOT MET'}")
    else:
        print("   (Keras timings skipped)")

    # ---- 2. start-up
    print()
    print(f"2. Start-up: `{' '.join(Path(c).name for c in console_script())} --version` "
          f"({version_text or 'no output'})")
    print(f"   median {startup_s * 1000:.1f} ms over {args.startup_runs} runs (min {min(startup_samples) * 1000:.1f} ms); "
          f"budget {STARTUP_BUDGET_S * 1000:.0f} ms -> {'within' if startup_s <= STARTUP_BUDGET_S else 'OVER'}; "
          f"bare `python -c pass`: {python_s * 1000:.1f} ms")
    print(f"   -X importtime: {imports['modules_imported']} modules imported, kerascheck.cli cumulative "
          f"{imports['cli_cumulative_ms']:.1f} ms; kerascheck modules: {', '.join(imports['kerascheck_modules']) or '-'}")
    heavy = imports["heavy_modules_imported"]
    print(f"   heavy modules at start-up ({', '.join(HEAVY_MODULES)}): "
          f"{'none - OK (libcst not imported)' if not heavy else 'IMPORTED: ' + ', '.join(heavy)}")
    print("   slowest top-level imports: " + ", ".join(f"{m} {t:.1f} ms" for m, t in imports["slowest_top_level_ms"]))

    # ---- 3. breakdown
    b = check["breakdown"]
    print()
    print(f"3. Where kerascheck's time goes over {rel(args.fixtures)} ({len(files)} files; per-file medians summed)")
    for stage in STAGES:
        bar = "#" * round(b["percent"][stage] / 2)
        print(f"   {stage:<15} {b['seconds'][stage] * 1000:8.1f} ms  {b['percent'][stage]:5.1f}%  {bar}")
    print(f"   {'total':<15} {b['total_seconds'] * 1000:8.1f} ms  (end-to-end analyze_bytes: "
          f"{summary['kerascheck_total_seconds'] * 1000:.1f} ms; rendering is not part of analyze_bytes)")
    full = check["throughput_fixtures"]["positions_seconds"]
    print(f"   (for reference: libcst PositionProvider on every node of the fixtures: {full * 1000:.1f} ms, "
          f"{100 * full / b['total_seconds'] if b['total_seconds'] else 0:.0f}% of the total above)")
    print()
    for label, t in (("fixtures", check["throughput_fixtures"]),
                     ("keras/src/applications/*.py", check["throughput_applications"])):
        if not t:
            print(f"   libcst on {label}: not available")
            continue
        note = f", {t['parse_failures']} failed to parse" if t["parse_failures"] else ""
        print(f"   libcst on {label}: {t['files']} files, {t['lines']:,} lines: parse_module "
              f"{t['parse_lines_per_second']:,.0f} lines/s ({t['parse_seconds'] * 1000:.1f} ms), "
              f"PositionProvider {t['positions_lines_per_second']:,.0f} lines/s "
              f"({t['positions_seconds'] * 1000:.1f} ms){note}")

    cold = {}
    if not args.skip_keras and args.cold_files > 0:
        print("timing fresh processes ...", file=sys.stderr, flush=True)
        cold = cold_processes(files[: args.cold_files], args.fixtures)
        print_cold(cold)

    applications = check["applications"]
    keras_applications_timings = None
    if applications:
        if not args.skip_keras:
            print("timing keras.applications ...", file=sys.stderr, flush=True)
            keras_applications_timings = time_applications_keras(applications["builders"])
        print_applications(applications, keras_applications_timings)

    if args.json:
        data = {
            "kerascheck_version": kerascheck.__version__,
            "python": platform.python_version(),
            "fixtures": rel(args.fixtures),
            "runs": args.runs,
            "keras_runs": None if args.skip_keras else args.keras_runs,
            "target_ratio": TARGET_RATIO,
            "files": rows,
            "summary": summary,
            "startup": {"median_seconds": startup_s, "samples": startup_samples, "budget_seconds": STARTUP_BUDGET_S,
                        "within_budget": startup_s <= STARTUP_BUDGET_S, "python_bare_seconds": python_s, **imports},
            "breakdown": b,
            "fresh_processes": cold,
            "applications": {"kerascheck": applications, "keras": keras_applications_timings},
            "libcst_throughput": {"fixtures": check["throughput_fixtures"],
                                  "keras_applications": check["throughput_applications"]},
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"\nnumbers written to {args.json}")
    if args.whole_tree:
        print("\n6. The whole installed keras/src (bench/speed.py --runs 1)", flush=True)
        subprocess.run([sys.executable, str(REPO / "bench" / "speed.py"), "--runs", "1"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
