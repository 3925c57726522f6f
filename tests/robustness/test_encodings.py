"""Source bytes are decoded as Python decodes them (PEP 263), or one KC003 says where not."""

from __future__ import annotations

import pytest

from kerascheck.analysis import Options, analyze_bytes, analyze_source

MODEL = b"m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"  # 10 parameters


def analysed(data: bytes, path: str = "m.py"):
    return analyze_bytes(data, path, Options())


@pytest.mark.parametrize(
    "head",
    [
        b"# -*- coding: latin-1 -*-\n",
        b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\n",
        b"\xef\xbb\xbf",  # the UTF-8 byte-order mark
        b"\xef\xbb\xbf# coding: utf-8\n",
        b"# coding: cp1252\n",
    ],
)
def test_a_declared_encoding_or_a_bom_is_honoured(head):
    text = "# café: the model\n".encode("latin-1") if b"\xef\xbb\xbf" not in head else "# café\n".encode()
    report = analysed(head + b"import keras\n" + text + MODEL)
    assert report.diagnostics == [] and report.models[0].total == 10


@pytest.mark.parametrize(
    "data, message, line, column",
    [
        (b"import keras\nx = 1  # caf\xe9\n", "file is not valid UTF-8 and declares no other encoding (PEP 263): "
         "byte 0xe9 at line 2, column 13: not analysed", 2, 13),
        (b"# coding: ascii\nimport keras\n# \xc3\xa9\n", "file is not valid ascii, the encoding its coding line "
         "declares: byte 0xc3 at line 3, column 3: not analysed", 3, 3),
        (b"print('b\xf6se')\nimport keras\n", "file is not valid UTF-8 and declares no other encoding (PEP 263): "
         "byte 0xf6 at line 1, column 9: not analysed", 1, 9),
        (b"# coding: klingon\nimport keras\n", "unknown encoding: klingon: not analysed", 1, 1),
        (b"\xef\xbb\xbf# coding: latin-1\nimport keras\n", "a coding line that contradicts the UTF-8 byte-order mark: "
         "not analysed", 1, 1),
        ("import keras\n".encode("utf-16"), "file is UTF-16 or UTF-32 (it starts with that byte-order mark), which "
         "Python does not read: re-save it as UTF-8; not analysed", 1, 1),
    ],
)
def test_what_does_not_decode_is_one_kc003_saying_where(data, message, line, column):
    report = analysed(data)
    assert [(d.code, d.severity, d.message, d.span.line, d.span.column) for d in report.diagnostics] == [
        ("KC003", "error", message, line, column)
    ]
    assert not report.analysed


def test_an_imported_module_is_decoded_by_its_coding_line_too(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "blocks.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nimport keras\n# r\xe9seau\n"
        b"def build(units):\n    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(units)])\n"
    )
    main = tmp_path / "main.py"
    main.write_text("import keras\nfrom blocks import build\nmodel = build(3)\n")
    report = analyze_source(main.read_text(), str(main), Options())
    assert report.diagnostics == [] and [m.total for m in report.models] == [15]
