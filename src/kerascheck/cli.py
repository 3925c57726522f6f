"""The ``kerascheck`` command line.

Heavy modules (libcst, the interpreter) are imported only when a command
runs, so ``kerascheck --version`` starts instantly.
"""

from __future__ import annotations

import argparse
import sys

from kerascheck import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kerascheck",
        description="Static analysis of Keras model source: shapes, parameter counts, and what looks wrong.",
    )
    parser.add_argument("--version", action="version", version=f"kerascheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    summary = commands.add_parser("summary", help="print a Keras-style summary of every model found")
    summary.add_argument("paths", nargs="*", metavar="PATH", help="files or folders ('-' reads standard input)")
    summary.add_argument("--output-format", choices=("table", "json"), default="table")
    summary.add_argument("--explain", action="store_true", help="show how each shape and parameter count is derived")
    summary.add_argument("--data-format", choices=("channels_last", "channels_first"), default=None,
                         help="the default image data format (as keras.config.set_image_data_format)")
    summary.add_argument("--stdin-filename", metavar="NAME", help="the name to report for standard input")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from kerascheck.analysis import with_deep_stack

    return with_deep_stack(run_summary, args)


def run_summary(args: argparse.Namespace) -> int:
    from kerascheck.analysis import Options, analyze_bytes
    from kerascheck.discovery import expand
    from kerascheck.reporters import json_report, table

    options = Options(data_format=args.data_format or "channels_last", explain=args.explain)
    paths = args.paths or ["."]
    reports = []
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read()
            reports.append(analyze_bytes(data, args.stdin_filename or "-", options))
            continue
        for path in expand([raw]):
            try:
                data = path.read_bytes()
            except OSError as exc:
                print(f"kerascheck: cannot read {path}: {exc.strerror}", file=sys.stderr)
                return EXIT_USAGE
            reports.append(analyze_bytes(data, path.as_posix(), options))
    renderer = json_report if args.output_format == "json" else table
    sys.stdout.write(renderer.render(reports, explain=args.explain) + "\n")
    return EXIT_FINDINGS if any(r.has_errors for r in reports) else EXIT_OK
