"""``kerascheck check``: every output format on real fixtures, --statistics, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kerascheck.cli import CHECK_FORMATS
from kerascheck.diagnostics import Diagnostic, Span
from kerascheck.report import FileReport
from kerascheck.reporters import full, github, statistics, text
from kerascheck.rules import all_rules
from tests.reporters.sources import CONV, CONV_END, CONV_START, FILES

DIAGNOSTIC_KEYS = ["code", "name", "severity", "line", "column", "end_line", "end_column", "message", "fix"]


def diagnostics(check) -> list[tuple[str, dict]]:
    """(path, diagnostic) of the fixtures, from the json format."""
    code, out = check("--output-format", "json", *FILES)
    assert code == 1
    return [(f["path"], d) for f in json.loads(out)["files"] for d in f["diagnostics"]]


@pytest.mark.parametrize("output_format", CHECK_FORMATS)
def test_every_format_reports_every_fixture(output_format, project, check):
    code, out = check("--output-format", output_format, *FILES, "clean.py")
    assert code == 1
    for expected in ("KC101", "KC001", "KC003", "models.py", "broken.py", "binary.py"):
        assert expected in out
    assert "clean.py" not in out or output_format == "json"


def test_json_schema_and_values(project, check):
    code, out = check("--output-format", "json", *FILES, "clean.py")
    data = json.loads(out)
    assert code == 1 and set(data) == {"version", "files"} and data["version"] == 1
    assert [f["path"] for f in data["files"]] == [*FILES, "clean.py"]
    for file in data["files"]:
        assert list(file) == ["path", "diagnostics"]
        for d in file["diagnostics"]:
            assert list(d) == DIAGNOSTIC_KEYS
    models, broken, binary, clean = (f["diagnostics"] for f in data["files"])
    assert [d["code"] for d in models + broken + binary] == ["KC101", "KC001", "KC003"] and clean == []
    assert models[0] | {"message": ""} == {
        "code": "KC101", "name": "non-positive-dimension", "severity": "error", "line": 2, "column": CONV_START,
        "end_line": 2, "end_column": CONV_END, "message": "", "fix": None,
    }
    assert binary[0]["message"] == "file looks binary (it contains NUL bytes): not analysed"
    assert (binary[0]["line"], binary[0]["column"], broken[0]["line"]) == (1, 1, 2)


def test_json_lines_is_one_object_per_diagnostic_with_its_path(project, check):
    code, out = check("--output-format", "json-lines", *FILES, "clean.py")
    objects = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [(o.pop("path"), o) for o in objects] == diagnostics(check)
    assert all(list(o) == DIAGNOSTIC_KEYS for o in objects)


def test_json_lines_prints_nothing_when_clean(project, check):
    assert check("--output-format", "json-lines", "clean.py") == (0, "")


def test_concise_lines_then_the_tally(project, check):
    code, out = check("--output-format", "concise", *FILES)
    expected = [f"{p}:{d['line']}:{d['column']}: {d['code']} {d['severity']}: {d['message']}" for p, d in diagnostics(check)]
    assert code == 1
    assert out.splitlines() == [*expected, "Found 3 diagnostics (3 errors); 2 files checked."]
    assert out.startswith(f"models.py:2:{CONV_START}: KC101 error: conv2d (Conv2D): ")


def test_concise_all_checks_passed(project, check):
    assert check("--output-format", "concise", "clean.py") == (0, "All checks passed! (1 file checked)\n")


def test_full_shows_the_source_line_and_carets_without_ansi(project, check):
    code, out = check("--output-format", "full", *FILES)
    (_, kc101), (_, kc001), (_, kc003) = diagnostics(check)
    assert code == 1 and "\033[" not in out
    assert out.split("\n\n") == [
        f"models.py:2:{CONV_START}: KC101 error: {kc101['message']}\n"
        f"  |\n"
        f"2 | {CONV}\n"
        f"  | {' ' * (CONV_START - 1)}{'^' * (CONV_END - CONV_START)}",
        f"broken.py:2:7: KC001 error: {kc001['message']}\n  |\n2 | def f(:\n  |       ^",
        f"binary.py:1:1: KC003 error: {kc003['message']}",
        "Found 3 diagnostics (3 errors); 2 files checked.\n",
    ]


def test_full_fix_line_multiline_span_and_color():
    source = "import keras\ny = f(\n    2)\n"
    d = Diagnostic("KC101", "non-positive-dimension", "warning", "it is wrong", Span(2, 5, 3, 7), fix="do this")
    report = FileReport("a.py", diagnostics=[d], source=source)
    assert full.render([report]) == (
        "a.py:2:5: KC101 warning: it is wrong\n  |\n2 | y = f(\n  |     ^^ …\n  = fix: do this\n\n"
        "Found 1 diagnostic (1 warning); 1 file checked."
    )
    assert "\033[33mwarning\033[0m" in full.render([report], color=True)


def test_full_numbers_lines_as_python_does(project, check):
    """A form feed or U+2028 inside a comment or string does not end a line."""
    (project / "models.py").write_text(f'import keras\ns = "a\u2028b"  # form\x0cfeed\n{CONV}\n')
    code, out = check("--output-format", "full", "models.py")
    assert code == 1 and f"3 | {CONV}\n" in out


def test_github_workflow_commands(project, check):
    code, out = check("--output-format", "github", *FILES)
    expected = [
        f"::error file={p},line={d['line']},col={d['column']},endLine={d['end_line']},"
        f"endColumn={d['end_column']},title=kerascheck ({d['code']})::{d['message']}"
        for p, d in diagnostics(check)
    ]
    assert code == 1 and out.splitlines() == expected
    assert out.splitlines()[2] == (
        "::error file=binary.py,line=1,col=1,endLine=1,endColumn=1,title=kerascheck (KC003)"
        "::file looks binary (it contains NUL bytes): not analysed"
    )


def test_github_escapes_messages_paths_and_titles():
    odd = Diagnostic("KC1:0,1", "made-up", "warning", "50% done\r\nnext: a, b", Span(3, 2, 3, 9))
    note = Diagnostic("KC002", "analysis-limit", "info", "slow", Span(1, 1, 1, 1))
    report = FileReport("dir,1/a:b%\n.py", diagnostics=[odd, note])
    assert github.render([report]).splitlines() == [
        "::warning file=dir%2C1/a%3Ab%25%0A.py,line=3,col=2,endLine=3,endColumn=9,title=kerascheck (KC1%3A0%2C1)"
        "::50%25 done%0D%0Anext: a, b",
        "::notice file=dir%2C1/a%3Ab%25%0A.py,line=1,col=1,endLine=1,endColumn=1,title=kerascheck (KC002)::slow",
    ]


def test_statistics_counts_each_code_most_frequent_first(project, check):
    (project / "models.py").write_text(f"import keras\n{CONV}\n{CONV}\n")
    for output_format in ("concise", "json"):  # --statistics replaces the format's output
        assert check("--statistics", "--output-format", output_format, *FILES) == (1, (
            "2  KC101  non-positive-dimension (error)\n"
            "1  KC001  syntax-error (error)\n"
            "1  KC003  unreadable-file (error)\n"
        ))
    assert check("--statistics", "clean.py") == (0, "")


def example_file(folder, severity: str) -> tuple[str, str]:
    """(path, code): a file with one rule's own documented example of ``severity``."""
    for rule in all_rules().values():
        examples = [e for e in rule.invalid if isinstance(e.source, str) and not e.options]
        if rule.severity == severity and examples:
            (folder / f"{severity}.py").write_text(examples[0].source)
            return f"{severity}.py", rule.code
    pytest.skip(f"no {severity} rule has a plain example")


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("error", {"error": 1, "warning": 1, "info": 1}),
        ("warning", {"error": 0, "warning": 1, "info": 1}),
        ("info", {"error": 0, "warning": 0, "info": 1}),
    ],
)
def test_fail_on_thresholds(severity, expected, project, check):
    path, code = example_file(project, severity)
    codes = {}
    for fail_on in ("error", "warning", "info"):
        codes[fail_on], out = check("--select", code, "--fail-on", fail_on, "--output-format", "concise", path)
        assert f": {code} " in out
    assert codes == expected
    assert check("--select", code, path)[0] == expected["warning"]  # the default threshold
    assert check("--select", code, "--fail-on", "info", "--exit-zero", path)[0] == 0


def test_clean_file_passes_every_threshold(project, check):
    assert check("--fail-on", "info", "clean.py")[0] == 0


@pytest.mark.parametrize(
    "argv",
    [["--output-format", "xml"], ["--fail-on", "never"], ["--select", "KC9", "--output-format", "sarif"]],
)
def test_usage_errors_exit_2(argv, project, check):
    assert check(*argv, "models.py")[0] == 2


def test_piped_output_defaults_to_concise_without_color(project):
    run = subprocess.run([sys.executable, "-m", "kerascheck", "check", "models.py"], capture_output=True, text=True)
    assert run.returncode == 1 and "\033[" not in run.stdout
    assert run.stdout.startswith(f"models.py:2:{CONV_START}: KC101 ")
    assert run.stdout.endswith("Found 1 diagnostic (1 error); 1 file checked.\n")


def test_info_notes_are_counted_apart_from_problems():
    warning = Diagnostic("KC201", "fractional-stride-drop", "warning", "w", Span(1, 1, 1, 1))
    note = Diagnostic("KC301", "legacy-keras-api", "info", "n", Span(2, 1, 2, 1))
    both, notes = FileReport("a.py", diagnostics=[note, warning, note]), FileReport("b.py", diagnostics=[note])
    assert text.tally([both]) == "Found 1 diagnostic (1 warning), and 2 notes (info); 1 file checked."
    assert text.tally([notes]) == "All checks passed, with 1 note (info); 1 file checked."
    assert statistics.render([both]) == "1  KC201  fractional-stride-drop (warning)\nnotes:\n2  KC301  legacy-keras-api (info)"
    assert statistics.render([notes]) == "notes:\n1  KC301  legacy-keras-api (info)"
