"""A syntax error is reported where and as Python reports it; valid Python that
libcst cannot parse is an info, not an error."""

from __future__ import annotations

import ast

import pytest

from kerascheck.analysis import Options, analyze_source
from kerascheck.cli import main


def diagnostics(source: str) -> list[tuple[str, str, int, int, str]]:
    report = analyze_source(source, "m.py", Options())
    return [(d.code, d.severity, d.span.line, d.span.column, d.message) for d in report.diagnostics]


def python_says(source: str) -> tuple[int, int, str]:
    with pytest.raises(SyntaxError) as error:
        ast.parse(source)
    return error.value.lineno, error.value.offset, error.value.msg


@pytest.mark.parametrize(
    "source",
    [
        "import keras\nlayers = [keras.layers.Dense(4),\n          keras.layers.Dense(2)\nmodel = keras.Sequential(layers)\n",
        "import keras\nprint 'training'\n",
        "import keras\ndef build():\nreturn keras.Sequential()\n",
        "import keras\nname = 'réseau' + ) \n",  # a column after non-ASCII text counts characters
        "import keras\nx = 1 +\n",
    ],
)
def test_syntax_errors_are_where_and_what_python_says(source):
    line, column, message = python_says(source)
    assert diagnostics(source) == [("KC001", "error", line, column, message)]


def test_an_unclosed_bracket_is_reported_at_the_bracket():
    source = "import keras\nmodel = keras.Sequential([\n    keras.layers.Dense(2),\n\nprint(model)\n"
    assert diagnostics(source) == [("KC001", "error", 2, 26, "'[' was never closed")]


def test_the_source_is_compiled_never_run(tmp_path):
    marker = tmp_path / "ran"
    source = f"import keras, pathlib\npathlib.Path({str(marker)!r}).touch()\nx = (\n"
    assert [code for code, *_ in diagnostics(source)] == ["KC001"]
    assert not marker.exists()


def test_valid_python_libcst_cannot_parse_is_an_info(tmp_path, capsys):
    source = "import keras\n(x): int = 3\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
    ast.parse(source)  # valid Python
    [(code, severity, line, column, message)] = diagnostics(source)
    assert (code, severity, line, column) == ("KC011", "info", 2, 1)
    assert message == "valid Python that kerascheck's parser (libcst) cannot read, near line 2: the file is not analysed"
    (tmp_path / "m.py").write_text(source)
    assert main(["check", "--output-format", "concise", str(tmp_path / "m.py")]) == 0  # an info: no failure
    assert capsys.readouterr().out.endswith("No files checked, with 1 note (info).\n")
