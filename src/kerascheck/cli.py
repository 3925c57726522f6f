"""The ``kerascheck`` command line: ``summary``, ``check``, ``rule`` and ``server``.

Heavy modules (libcst, the interpreter) are imported only when a command
runs, so ``kerascheck --version`` starts instantly.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from kerascheck import __version__
from kerascheck.diagnostics import SEVERITIES
from kerascheck.input_shapes import Shape, parse_assignment
from kerascheck.reporters import CHECK_MODULES

if TYPE_CHECKING:
    from kerascheck.cache import ResultCache
    from kerascheck.config import Settings
    from kerascheck.report import FileReport
    from kerascheck.sources import NotRead

#: exit codes as ruff's (findings 1, usage or configuration 2), and as ty's when kerascheck itself fails
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 101
FIX_ROUNDS = 10  # of ``check --fix``: fixes whose edits overlap are applied one round each
CHECK_FORMATS = tuple(CHECK_MODULES)
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(reversed(SEVERITIES))}  # info 0 … error 2


class UsageError(Exception):
    """A problem with the command line or the configuration (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kerascheck",
        description="Static analysis of Keras model source: shapes, parameter counts, and what looks wrong.",
    )
    parser.add_argument("--version", action="version", version=f"kerascheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    summary = commands.add_parser("summary", help="print a Keras-style summary of every model found")
    _add_input_options(summary)
    summary.add_argument("--output-format", choices=("table", "json"), default="table")
    summary.add_argument("--explain", action="store_true", help="show how each shape and parameter count is derived")

    check = commands.add_parser("check", help="report what is wrong or suspicious in the models found")
    _add_input_options(check)
    check.add_argument("--output-format", choices=CHECK_FORMATS, default=None,
                       help="how to print diagnostics (default: full on a terminal, concise otherwise)")
    check.add_argument("--fail-on", choices=("error", "warning", "info"), default="warning",
                       help="the lowest severity that makes the exit code 1 (default: warning)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when diagnostics are found")
    check.add_argument("--fix", action="store_true",
                       help="apply the fixes that are edits (KC301's Keras 3 spellings) to the files, then report what remains")
    check.add_argument("--statistics", action="store_true", help="print the number of diagnostics per code instead")
    check.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to check (replaces the configured ones)")
    check.add_argument("--extend-select", metavar="CODES", help="comma-separated codes or prefixes to check as well")
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes not to report")
    check.add_argument("--force-exclude", action="store_true",
                       help="apply the configured exclude to files named on the command line too (for pre-commit)")

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", nargs="?", metavar="CODE", help="a rule code (KC201) or name (fractional-stride-drop)")
    rule.add_argument("--all", action="store_true", help="list every rule")

    commands.add_parser("server", help="run the language server (LSP over standard input and output) for editors")
    return parser


def _add_input_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("paths", nargs="*", metavar="PATH", help="files or folders ('-' reads standard input)")
    command.add_argument("--config", metavar="FILE", type=Path,
                         help="a pyproject.toml whose [tool.kerascheck] applies to every file")
    command.add_argument("--data-format", choices=("channels_last", "channels_first"), default=None,
                         help="the default image data format (as keras.config.set_image_data_format)")
    command.add_argument("--stdin-filename", metavar="NAME", help="the name to report for standard input")
    command.add_argument("--input-shape", metavar="NAME=SHAPE", action="append", default=[], type=_input_shape,
                         help="an input shape (without the batch axis, e.g. 28,28,1) for a function's shape parameter "
                              "or a model (by name or class) the source gives none; repeatable")
    command.add_argument("-j", "--jobs", metavar="N", type=_jobs, default=None,
                         help="analyse N files at once (default: the number of cores; -j1 in this process)")
    command.add_argument("--cache-dir", metavar="DIR", type=Path, default=None,
                         help="where results are kept between runs (default: $KERASCHECK_CACHE_DIR, else "
                              ".kerascheck_cache in the project's root)")
    command.add_argument("--no-cache", action="store_true",
                         help="neither read nor write the result cache (also: KERASCHECK_NO_CACHE=1)")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of jobs, got {text!r}")
    return int(text)


def _input_shape(text: str) -> tuple[str, Shape]:
    try:
        return parse_assignment(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    _tolerant_output()
    try:
        if args.command == "rule":
            return run_rule(args)
        if args.command == "server":
            return run_server()
        from kerascheck.deep_stack import with_deep_stack

        return with_deep_stack(run_summary if args.command == "summary" else run_check, args)
    except UsageError as exc:
        print(f"kerascheck: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # noqa: BLE001 - a kerascheck bug: said as such, with its own exit code
        traceback.print_exc()
        print(f"kerascheck: internal error (kerascheck {__version__}): please report it with the traceback above",
              file=sys.stderr)
        return EXIT_INTERNAL


def _tolerant_output() -> None:
    """Messages hold characters such as ``−`` and ``×``: a console that cannot show
    them (cp1252 on Windows) gets a replacement character, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


# ------------------------------------------------------------------ analysing files
def analyse(args: argparse.Namespace, for_check: bool) -> list[FileReport]:
    """Analyse every file the arguments name, each with the settings that apply to it.
    A file that certainly builds no model is reported without the analysis (nor
    its imports: ``prefilter``).  The files are analysed as they are found."""
    from kerascheck.config import ConfigError
    from kerascheck.prefilter import empty_report

    overrides = _code_overrides(args)
    settings_of = functools.partial(_settings, args.config, overrides)
    reports: list[FileReport | None] = []
    analysed: list[int] = []  # the indexes of the reports the analysis makes

    def to_analyse() -> Iterator[tuple[Path | None, bytes | NotRead]]:
        for path, data in _inputs(args, settings_of):
            settings_of(path)  # a configuration error is reported whatever the file holds
            reports.append(empty_report(path.as_posix() if path is not None else "-", data))
            if reports[-1] is None:
                analysed.append(len(reports) - 1)
                yield path, data

    try:
        made = _analysed(args, for_check, settings_of, to_analyse())
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for index, report in zip(analysed, made):
        reports[index] = report
    if not reports:
        print("kerascheck: warning: no Python files found under the given paths", file=sys.stderr)
    done = [report for report in reports if report is not None]  # every one, by now
    if analysed:  # what an analysis found in an imported module goes to that module's report
        from kerascheck.elsewhere import relocate

        done = relocate(done, lambda path, code: settings_of(Path(path)).enabled(code, path=Path(path)))
    used = set().union(*(report.input_shapes_used for report in done))
    for name, _ in args.input_shape:
        if name not in used:
            print(f"kerascheck: warning: --input-shape {name}: matched no function or model that "
                  "lacks an input shape", file=sys.stderr)
    return done


def _analysed(
    args: argparse.Namespace,
    for_check: bool,
    settings_of: Callable[[Path | None], Settings],
    files: Iterator[tuple[Path | None, bytes | NotRead]],
) -> list[FileReport]:
    """The reports of ``files`` (path, content), analysed in as many processes as the arguments say."""
    from kerascheck.parallel import Task, analyse_all, default_jobs

    def tasks() -> Iterator[Task]:
        for path, data in files:
            from kerascheck.analysis import options_for  # (libcst: only once a file needs the analysis)

            options = options_for(
                settings_of(path),
                path,
                "check" if for_check else "summary",
                data_format=args.data_format,
                input_shapes=dict(args.input_shape),
                explain=getattr(args, "explain", False),
            )
            yield Task(path.as_posix() if path is not None else "-", data, options)

    return analyse_all(tasks(), args.jobs or default_jobs(), lambda: _result_cache(args))


def _inputs(
    args: argparse.Namespace, settings_of: Callable[[Path], Settings]
) -> Iterator[tuple[Path | None, bytes | NotRead]]:
    """(path, content or why it is not read) of each file to analyse; ``None`` path
    for unnamed standard input."""
    from kerascheck.discovery import Unlisted, expand
    from kerascheck.sources import UNREADABLE, NotRead, read_path, read_stream

    force = getattr(args, "force_exclude", False)
    named = args.paths or ["."]
    missing = next((raw for raw in named if raw != "-" and not os.path.lexists(raw)), None)
    if missing is not None:
        raise UsageError(f"{missing}: no such file or folder")
    seen: set[str] = set()
    for raw in named:
        if raw == "-":
            path = Path(args.stdin_filename) if args.stdin_filename else None
            if path is None or not (force and settings_of(path).is_excluded(path)):
                yield path, read_stream(sys.stdin.buffer)
            continue
        if force and settings_of(Path(raw)).is_excluded(Path(raw), os.path.isdir(raw)):
            continue
        for found in expand([raw], settings_of, seen):
            if isinstance(found, Unlisted):
                yield found.path, NotRead(UNREADABLE, found.reason)
            else:
                yield found, read_path(found)


def _result_cache(args: argparse.Namespace) -> ResultCache | None:
    """The result cache the arguments and ``KERASCHECK_CACHE_DIR`` choose; None with
    ``--no-cache`` or ``KERASCHECK_NO_CACHE``."""
    from kerascheck.cache import CACHE_DIR_ENV, ResultCache, default_folder, disabled

    if args.no_cache or disabled():
        return None
    folder = args.cache_dir or (Path(os.environ[CACHE_DIR_ENV]) if os.environ.get(CACHE_DIR_ENV) else None)
    return ResultCache(folder or default_folder(args.config))


def _code_overrides(args: argparse.Namespace) -> dict[str, tuple[str, ...]]:
    """``--select``, ``--extend-select`` and ``--ignore``, validated."""
    from kerascheck.config import ConfigError, parse_codes

    overrides = {}
    for option in ("select", "extend_select", "ignore"):
        value = getattr(args, option, None)
        if value is not None:
            try:
                overrides[option] = parse_codes(value.split(","), f"--{option.replace('_', '-')}")
            except ConfigError as exc:
                raise UsageError(str(exc)) from None
    return overrides


def _settings(config: Path | None, overrides: dict[str, Any], path: Path | None) -> Settings:
    from kerascheck.config import settings_for

    settings = settings_for(path if path is not None else Path.cwd() / "-", config)
    return dataclasses.replace(settings, **overrides) if overrides else settings


# ------------------------------------------------------------------ commands
def run_summary(args: argparse.Namespace) -> int:
    from kerascheck.reporters import json_report, table

    reports = analyse(args, for_check=False)
    renderer = json_report if args.output_format == "json" else table
    sys.stdout.write(renderer.render(reports, explain=args.explain) + "\n")
    return _exit_code(reports, EXIT_FINDINGS if any(r.has_errors for r in reports) else EXIT_OK)


def run_check(args: argparse.Namespace) -> int:
    from kerascheck import reporters
    from kerascheck.reporters import statistics

    if args.fix and "-" in args.paths:
        raise UsageError("--fix changes files: it does not read standard input ('-')")
    reports = analyse(args, for_check=True)
    if args.fix:
        reports = _fix(args, reports)
    for report in reports:
        report.diagnostics.sort(key=lambda d: (d.span.line, d.span.column, d.code))
    if args.statistics:
        text = statistics.render(reports)
    else:
        output_format = args.output_format or ("full" if sys.stdout.isatty() else "concise")
        color = output_format == "full" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = reporters.check_reporter(output_format).render(reports, color=color)
    if text:
        sys.stdout.write(text + "\n")
    threshold = SEVERITY_RANK[args.fail_on]
    failed = any(SEVERITY_RANK[d.severity] >= threshold for r in reports for d in r.diagnostics)
    return _exit_code(reports, EXIT_FINDINGS if failed and not args.exit_zero else EXIT_OK)


def _fix(args: argparse.Namespace, reports: list[FileReport]) -> list[FileReport]:
    """Apply the fixes to the files, round after round (fixes whose edits overlap
    wait for the next), and the reports of the fixed files."""
    from kerascheck.fixes import fix_files

    fixed = 0
    for _ in range(FIX_ROUNDS):
        count = fix_files(reports)
        if not count:
            break
        fixed += count
        reports = analyse(args, for_check=True)
    if fixed:
        print(f"kerascheck: fixed {fixed} diagnostic{'s' if fixed != 1 else ''}", file=sys.stderr)
    return reports


def _exit_code(reports: list[FileReport], otherwise: int) -> int:
    """``EXIT_INTERNAL`` when kerascheck failed on a file (a KC000 reported, whatever
    ``--exit-zero`` says: it is not a finding), else ``otherwise``."""
    return EXIT_INTERNAL if any(d.code == "KC000" for r in reports for d in r.diagnostics) else otherwise


def run_rule(args: argparse.Namespace) -> int:
    from kerascheck.rules import all_rules
    from kerascheck.rules.docs import rule_list, rule_page

    rules = all_rules()
    if args.all:
        sys.stdout.write(rule_list(rules.values()) + "\n")
        return EXIT_OK
    if not args.code:
        raise UsageError("name a rule (kerascheck rule KC201) or use --all")
    wanted = args.code.strip()
    rule = rules.get(wanted.upper()) or next((r for r in rules.values() if r.name == wanted.lower()), None)
    if rule is None:
        raise UsageError(f"no rule {wanted!r}; `kerascheck rule --all` lists them")
    sys.stdout.write(rule_page(rule) + "\n")
    return EXIT_OK


def run_server() -> int:
    try:
        from kerascheck.server.app import serve
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("pygls", "lsprotocol"):
            raise
        raise UsageError("`kerascheck server` needs pygls: pip install 'kerascheck[server]'") from None
    serve()
    return EXIT_OK
