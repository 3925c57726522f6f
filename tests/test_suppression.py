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


# ------------------------------------------------------------------ KC020, KC021: opt-in audits of the comments
GOOD = "keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])"


def audited(source: str, enabled=("KC020", "KC021")) -> list[tuple[str, int, int, str]]:
    options = Options(reports=lambda code: code in enabled or code not in ("KC020", "KC021"))
    report = analyze_source(textwrap.dedent(source), "m.py", options)
    return [(d.code, d.span.line, d.span.column, d.message) for d in report.diagnostics]


def test_audits_are_off_by_default():
    assert codes(f"import keras\nm = {GOOD}  # noqa: KC101, KC999\n") == []


def test_a_used_suppression_and_other_tools_codes_are_not_reported():
    assert audited(f"import keras\nm = {BAD}  # noqa: KC101, E501\nx = 1  # noqa\ny = 2  # noqa: F401\n") == []
    assert audited(f"# kerascheck: ignore-file[KC1]\nimport keras\nm = {BAD}\n") == []


def test_an_unused_code_is_reported_at_the_code():
    line = f"m = {GOOD}  # noqa: E501, KC101"
    assert audited(f"import keras\n{line}\n") == [
        ("KC020", 2, line.index("KC101") + 1, "unused suppression: no KC101 diagnostic on this line")
    ]


def test_unused_bare_kerascheck_comments_and_file_directives():
    assert [(c, l, m) for c, l, _, m in audited("# kerascheck: ignore-file[KC3]\nimport keras\nx = 1  # kerascheck: ignore\n")] == [
        ("KC020", 1, "unused suppression: no KC3 diagnostic in this file"),
        ("KC020", 3, "unused suppression: no diagnostic on this line"),
    ]


def test_a_code_that_is_not_enabled_says_so():
    options = Options(reports=lambda code: code != "KC101")
    report = analyze_source(f"import keras\nm = {BAD}  # noqa: KC101\n", "m.py", options)
    assert [d.message for d in report.diagnostics] == ["unused suppression: KC101 is not enabled"]


def test_unknown_codes_are_reported_at_the_code():
    line = "x = 1  # noqa: KC999, E501  # kerascheck: ignore[kc2, W6]"
    assert audited(f"import keras\n{line}\n") == [
        ("KC021", 2, line.index("KC999") + 1, "KC999 is not a kerascheck code (`kerascheck rule --all` lists them)"),
        ("KC020", 2, line.index("kc2") + 1, "unused suppression: no KC2 diagnostic on this line"),
        ("KC021", 2, line.index("W6") + 1, "W6 is not a kerascheck code (`kerascheck rule --all` lists them)"),
    ]


def test_an_audit_report_can_itself_be_suppressed():
    assert audited(f"import keras\nm = {GOOD}  # noqa: KC101, KC020\n") == []
    assert audited("# kerascheck: ignore-file[KC021]\nimport keras\nx = 1  # noqa: KC999\n") == []


def test_selected_only_by_name_or_a_specific_prefix(tmp_path, capsys):
    from kerascheck.cli import main

    (tmp_path / "m.py").write_text(f"import keras\nm = {GOOD}  # noqa: KC101\n")
    for select, found in ((["--select", "KC"], ""), (["--extend-select", "KC020"], "KC020"), (["--select", "KC02"], "KC020")):
        main(["check", "--output-format", "concise", *select, str(tmp_path / "m.py")])
        assert ("KC020" in capsys.readouterr().out) == bool(found)
