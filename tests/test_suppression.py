"""Inline suppressions: # noqa, # kerascheck: ignore[...], ignore-file."""

from __future__ import annotations

import textwrap

import pytest

from kerascheck.analysis import Options, analyze_source

BAD = "keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])"  # KC101


def codes(source: str) -> list[tuple[str, int]]:
    report = analyze_source(textwrap.dedent(source), "m.py", Options())
    return [(d.code, d.span.line) for d in report.diagnostics]


def test_unsuppressed_for_reference():
    assert codes(f"import keras\nm = {BAD}\n") == [("KC101", 2)]


@pytest.mark.parametrize(
    "comment",
    [
        "# noqa",
        "# noqa: KC101",
        "# noqa:KC101",
        "# NOQA: KC101, KC202",
        "# noqa: KC1",
        "# kerascheck: ignore",
        "# kerascheck: ignore[KC101]",
        "# kerascheck: ignore[KC202, KC101]",
        "# unrelated  # kerascheck:ignore[KC101]",
    ],
)
def test_comment_on_the_reported_line_suppresses(comment):
    assert codes(f"import keras\nm = {BAD}  {comment}\n") == []


@pytest.mark.parametrize("comment", ["# noqa: KC201", "# noqa: E501", "# kerascheck: ignore[KC2]", "# a note"])
def test_other_codes_do_not_suppress(comment):
    assert codes(f"import keras\nm = {BAD}  {comment}\n") == [("KC101", 2)]


def test_comment_on_any_line_of_a_multiline_layer_call_suppresses():
    source = """\
        import keras
        m = keras.Sequential([
            keras.Input((28, 1, 1)),
            keras.layers.Conv2D(
                8, 3,
            ),  # noqa: KC101
        ])
        """
    assert codes(source) == []


def test_comment_on_another_line_does_not_suppress():
    source = f"import keras  # noqa: KC101\n\nm = {BAD}\n"
    assert codes(source) == [("KC101", 3)]


def test_noqa_inside_a_string_is_not_a_comment():
    source = f"import keras\nm = {BAD}; s = '# noqa'\n"
    assert codes(source) == [("KC101", 2)]


def test_ignore_file():
    assert codes(f"# kerascheck: ignore-file\nimport keras\nm = {BAD}\n") == []
    assert codes(f"# kerascheck: ignore-file[KC101]\nimport keras\nm = {BAD}\n") == []
    assert codes(f"# kerascheck: ignore-file[KC3]\nimport keras\nm = {BAD}\n") == [("KC101", 3)]


def test_syntax_errors_can_be_suppressed_too():
    assert codes("import keras\ndef f(:  # noqa: KC001\n") == []
    assert codes("import keras\ndef f(:\n") == [("KC001", 2)]
