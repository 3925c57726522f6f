"""``kerascheck check`` on a project whose model is built by another module: a
finding is reported at the module's line (``elsewhere``), once per run, with
the calls that reached it; the same with any number of workers and the cache."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from kerascheck import config
from kerascheck.cli import main

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

UNET = """
from tensorflow import keras
from tensorflow.keras import layers


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 3, strides=2)(x)
    return x


def UNet(input_shape, classes=3):
    inputs = keras.Input(shape=input_shape)
    x = conv_block(inputs, 16)
    x = layers.Flatten()(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
"""
MAIN = """
import numpy as np

from unet import UNet

model = UNet((64, 64, 3))
model.summary()
"""
CONV = 7  # the line of unet.py's strided convolution (KC201 on a 64×64 input)
HEAD = 15  # and of its softmax head, which binary_crossentropy scores (KC210 on any input)


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    for name, text in (("unet.py", UNET), ("main.py", MAIN)):
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["check", "--no-cache", *argv]) if "--cache-dir" not in argv else main(["check", *argv])
    return code, capsys.readouterr().out


def found(capsys, *argv: str) -> list[tuple[str, str, int, list]]:
    """(path, code, line, related as path:line) of each diagnostic of ``check --output-format json``."""
    _, out = run(capsys, "--output-format", "json", *argv)
    return [
        (f["path"], d["code"], d["line"], [f"{r['path']}:{r['line']}" for r in d.get("related", [])])
        for f in json.loads(out)["files"]
        for d in f["diagnostics"]
    ]


def test_checking_the_importer_reports_at_the_modules_lines(root, capsys):
    assert found(capsys, "main.py") == [
        ("unet.py", "KC201", CONV, ["main.py:5", "unet.py:13"]),
        ("unet.py", "KC210", HEAD, ["main.py:5"]),
    ]
    code, out = run(capsys, "--output-format", "concise", "main.py")
    assert code == 1 and out.startswith(f"unet.py:{CONV}:9: KC201") and out.endswith("; 1 file checked.\n")


def test_related_locations_in_json_and_sarif(root, capsys):
    _, out = run(capsys, "--output-format", "json", "main.py")
    (kc201, _) = next(f for f in json.loads(out)["files"] if f["path"] == "unet.py")["diagnostics"]
    assert kc201["related"] == [
        {"path": "main.py", "line": 5, "column": 9, "end_line": 5, "end_column": 26, "message": "calls UNet()"},
        {"path": "unet.py", "line": 13, "column": 9, "end_line": 13, "end_column": 31, "message": "calls conv_block()"},
    ]
    _, out = run(capsys, "--output-format", "sarif", "main.py")
    log = json.loads(out)
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    result = log["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "unet.py"
    related = [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"],
                r["message"]["text"]) for r in result["relatedLocations"]]
    assert related == [(0, "main.py", 5, "calls UNet()"), (1, "unet.py", 13, "calls conv_block()")]
    _, out = run(capsys, "--output-format", "full", "main.py")
    assert "  = note: reached from main.py:5:9, which calls UNet()\n" in out


def test_a_noqa_in_the_module_suppresses_it(root, capsys):
    path = root / "unet.py"
    path.write_text(path.read_text().replace("strides=2)(x)", "strides=2)(x)  # noqa: KC201"))
    assert [code for _, code, _, _ in found(capsys, "main.py")] == ["KC210"]


def test_per_file_ignores_of_the_module_apply(root, capsys):
    (root / "pyproject.toml").write_text('[tool.kerascheck.per-file-ignores]\n"unet.py" = ["KC201"]\n')
    assert [code for _, code, _, _ in found(capsys, "main.py")] == ["KC210"]


def test_once_when_the_module_is_checked_too(root, capsys):
    both = [("unet.py", "KC201", CONV, ["main.py:5", "unet.py:13"]), ("unet.py", "KC210", HEAD, [])]
    assert found(capsys, "main.py", "unet.py") == both
    assert found(capsys, "unet.py", "main.py") == both
    assert found(capsys, ".") == both
    # the module's own analysis, on the input shape given, finds the convolution itself
    assert found(capsys, "--input-shape", "UNet=64,64,3", ".") == [
        ("unet.py", "KC201", CONV, []),
        ("unet.py", "KC210", HEAD, []),
    ]


def test_the_module_alone_runs_what_needs_no_input_shape(root, capsys):
    assert found(capsys, "unet.py") == [("unet.py", "KC210", HEAD, [])]  # KC201 needs the input's size
    (root / "pyproject.toml").write_text("[tool.kerascheck]\ninput-shapes = { UNet = [64, 64, 3] }\n")
    config.forget()
    assert found(capsys, "unet.py") == [("unet.py", "KC201", CONV, []), ("unet.py", "KC210", HEAD, [])]


@pytest.mark.parametrize("output_format", ["json", "sarif", "full", "concise"])
def test_the_same_with_workers_and_the_cache(root, capsys, tmp_path_factory, output_format):
    cache = str(tmp_path_factory.mktemp("cache"))
    (root / "other.py").write_text("from unet import UNet\n\nmodel = UNet((32, 32, 3))\n")
    runs = [
        run(capsys, "--output-format", output_format, "--no-cache", "-j1", "."),
        run(capsys, "--output-format", output_format, "--cache-dir", cache, "-j2", "."),  # cold
        run(capsys, "--output-format", output_format, "--cache-dir", cache, "-j2", "."),  # warm
        run(capsys, "--output-format", output_format, "--cache-dir", cache, "-j1", "."),
    ]
    assert all(r == runs[0] for r in runs)
    (root / "unet.py").write_text((root / "unet.py").read_text().replace("strides=2)(x)", "strides=2)(x)  # noqa"))
    _, out = run(capsys, "--output-format", output_format, "--cache-dir", cache, "-j2", ".")
    marker = '"ruleId": "KC201"' if output_format == "sarif" else "KC201"  # SARIF lists every rule
    assert marker not in out  # the module changed: its importers' entries are stale too
