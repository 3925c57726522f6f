"""The edits of the language server's "suppress" code actions (``server.suppress``):
each edited source, analysed again, no longer reports the code."""

from __future__ import annotations

import pytest

from kerascheck.analysis import Options, analyze_source
from kerascheck.rules.selection import rules_for
from kerascheck.server.suppress import Edit, ignore_file, noqa

KC201 = (
    "import keras\n"
    "m = keras.Sequential([\n"
    "    keras.Input((8, 8, 1)),\n"
    "    keras.layers.Conv2D(4, 3, strides=2),{comment}\n"
    "])\n"
)


def applied(source: str, edit: Edit) -> str:
    lines = source.split("\n")
    line = lines[edit.line]
    lines[edit.line] = line[: edit.column] + edit.text + line[edit.end_column :]
    return "\n".join(lines)


def codes(source: str) -> list[str]:
    return [d.code for d in analyze_source(source, "m.py", Options(rules=rules_for("check"))).diagnostics]


@pytest.mark.parametrize(
    "comment, expected",
    [
        ("", "    keras.layers.Conv2D(4, 3, strides=2),  # noqa: KC201"),
        ("  # noqa: KC202", "    keras.layers.Conv2D(4, 3, strides=2),  # noqa: KC202, KC201"),
        ("  # why: a comment", "    keras.layers.Conv2D(4, 3, strides=2),  # why: a comment  # noqa: KC201"),
    ],
)
def test_noqa_is_added_or_merged_and_silences_the_code(comment, expected):
    source = KC201.format(comment=comment)
    assert codes(source) == ["KC201"]
    edited = applied(source, noqa(source, 3, 3, "KC201"))
    assert edited.split("\n")[3] == expected
    assert codes(edited) == []


def test_no_edit_where_a_comment_already_suppresses_the_code():
    for comment in ("  # noqa", "  # noqa: KC2"):
        assert noqa(KC201.format(comment=comment), 3, 3, "KC201") is None


def test_noqa_goes_on_a_line_that_can_carry_a_comment():
    source = 'x = f(\n    """a\nstring""", y + \\\n    z)\n'
    # lines 0 and 3 end where a comment may follow; 1 ends inside a string, 2 after a backslash
    assert noqa(source, 1, 3, "KC201") == Edit(3, 6, 6, "  # noqa: KC201")
    assert noqa(source, 0, 3, "KC201") == Edit(0, 6, 6, "  # noqa: KC201")


def test_ignore_file_goes_after_the_shebang_and_encoding_lines_or_extends_the_comment():
    source = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n" + KC201.format(comment="")
    edit = ignore_file(source, "KC201")
    assert edit == Edit(2, 0, 0, "# kerascheck: ignore-file[KC201]\n")
    assert codes(applied(source, edit)) == []
    merged = ignore_file("# kerascheck: ignore-file[KC301]\nx = 1\n", "KC201")
    assert merged == Edit(0, 0, 32, "# kerascheck: ignore-file[KC301, KC201]")
    assert ignore_file("# kerascheck: ignore-file\nx = 1\n", "KC201") is None
