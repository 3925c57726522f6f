"""Findings about layers made in another module of the project: placed at the
layer's own line in that module, with the calls that reached it
(``interpreter.origins``, ``elsewhere.Placer``); the file's summary still shows
what the module built at the file's call."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import libcst as cst

from kerascheck.analysis import Options, analyze_source, to_diagnostic
from kerascheck.elsewhere import Placer
from kerascheck.findings import Finding
from kerascheck.interpreter.modules import ModuleState
from kerascheck.interpreter.origins import Origins, Place, shallow_copy
from kerascheck.positions import Positions
from kerascheck.rules import all_rules

BLOCKS = """
from tensorflow.keras import layers


def down(x, filters):
    return layers.Conv2D(filters, 3, strides=2)(x)
"""
UNET = """
from tensorflow import keras
from tensorflow.keras import layers
from blocks import down


def UNet(input_shape, classes=3):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = down(x, 16)
    x = layers.Flatten()(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
"""
MAIN = """
from unet import UNet

model = UNet((64, 64, 3))
model.summary()
"""


def project(root: Path, **files: str) -> Path:
    for name, text in files.items():
        (root / f"{name}.py").write_text(textwrap.dedent(text).lstrip())
    return root


def analyse(path: Path, **options):
    return analyze_source(path.read_text(), str(path), Options(rules=tuple(all_rules().values()), **options))


def test_a_finding_in_an_imported_module_is_at_its_line_there_with_the_calls_that_reached_it(tmp_path):
    root = project(tmp_path, blocks=BLOCKS, unet=UNET, main=MAIN)
    report = analyse(root / "main.py")
    (kc201,) = [d for d in report.diagnostics if d.code == "KC201"]
    assert (kc201.path, kc201.span.line, kc201.span.column) == (str(root / "blocks.py"), 5, 12)
    assert [(r.path, r.span.line, r.message) for r in kc201.related] == [
        (None, 3, "calls UNet()"),
        (str(root / "unet.py"), 9, "calls down()"),
    ]
    (model,) = report.models  # what the module built is shown at the file's call, as before
    assert model.line == 3 and {layer.line for layer in model.layers} == {3}
    assert [layer.output_shape for layer in model.layers][1] == (None, 31, 31, 16)


def test_a_comment_in_the_module_suppresses_it_there(tmp_path):
    suppressed = BLOCKS.replace("strides=2)(x)", "strides=2)(x)  # noqa: KC201")
    root = project(tmp_path, blocks=suppressed, unet=UNET, main=MAIN)
    assert [d.code for d in analyse(root / "main.py").diagnostics if d.code == "KC201"] == []


def test_a_comment_at_the_files_call_suppresses_nothing_placed_elsewhere(tmp_path):
    root = project(tmp_path, blocks=BLOCKS, unet=UNET, main=MAIN.replace("UNet((64, 64, 3))", "UNet((64, 64, 3))  # noqa"))
    assert [d.path for d in analyse(root / "main.py").diagnostics if d.code == "KC201"] == [str(root / "blocks.py")]


def test_layers_of_one_module_line_reached_twice_are_one_finding_there(tmp_path):
    twice = MAIN.replace("model.summary()", "other = UNet((32, 32, 3))")
    root = project(tmp_path, blocks=BLOCKS, unet=UNET, main=twice)
    report = analyse(root / "main.py")
    found = [d for d in report.diagnostics if d.code == "KC201"]
    assert [(d.path, d.span.line) for d in found] == [(str(root / "blocks.py"), 5)]
    assert "and 1 more layer created by this call" in found[0].message
    assert sorted(m.line for m in report.models) == [3, 4]  # each model at its own call


def test_diagnostics_about_the_analysis_stay_with_the_analysed_file(tmp_path):
    endless = "from tensorflow.keras import layers\n\ndef build():\n    while True:\n        layers.Dense(2)\n"
    root = project(tmp_path, helper=endless, main="from helper import build\n\nbuild()\n")
    limits = [d for d in analyse(root / "main.py").diagnostics if d.code.startswith("KC0")]
    assert limits and all(d.path is None and d.span.line == 3 for d in limits)


def test_stand_ins_are_one_per_node_and_anchor_and_read_as_the_anchor():
    module = cst.parse_module("f(1)\ng(2)\n")
    first, second = (statement.body[0].value for statement in module.body)
    other = cst.parse_module("h(3)\n").body[0].body[0].value
    state = ModuleState("other", "", None)
    origins = Origins()
    stand_in = origins.stand_in(other, first, Place(state))
    assert stand_in is not first and stand_in.deep_equals(first)
    assert origins.stand_in(other, first, Place(state)) is stand_in
    assert origins.stand_in(other, second, Place(state)) is not stand_in
    assert origins.stand_in(stand_in, first, Place(state)) is stand_in and origins.stand_in(first, first, Place(state)) is first
    assert origins.anchor(stand_in) is first and origins.anchor(first) is first
    deeper = origins.place_after(stand_in, state, None)
    assert deeper.calls == ((other, state),)
    assert origins.place_after(None, state, deeper).calls == deeper.calls  # a library's call: where it was


def test_a_finding_past_the_projects_modules_is_at_the_deepest_call_of_the_project(tmp_path):
    main = cst.parse_module("build()\n")
    anchor = main.body[0].body[0].value
    builder = cst.parse_module("import lib\n\ndef build():\n    return lib.block()\n")
    call = builder.body[1].body.body[0].body[0].value
    library = cst.parse_module("def block():\n    return Dense(2)\n")
    layer = library.body[0].body.body[0].body[0].value
    project_module = ModuleState("builder", "", builder, tmp_path / "builder.py")
    installed = ModuleState("lib", "", library, tmp_path / "site-packages" / "lib.py")
    origins = Origins()
    stand_in = origins.stand_in(layer, anchor, Place(installed, ((call, project_module),)))
    positions = Positions(main, origins.anchor)
    diagnostic = to_diagnostic(Finding("KC201", stand_in, "found"), positions.span(stand_in))
    placed = Placer(origins, positions).place(diagnostic, stand_in)
    assert placed is not None and (placed.path, placed.span.line, placed.span.column) == (str(tmp_path / "builder.py"), 4, 12)
    assert [(r.path, r.span.line, r.message) for r in placed.related] == [(None, 1, "calls build()")]


def test_a_stand_in_is_a_new_node_with_the_fields_of_its_anchor():
    module = cst.parse_module("model.add(layers.Dense(units=4, activation='relu'))  # a comment\n")
    for node in (module.body[0], module.body[0].body[0], module.body[0].body[0].value):
        copied = shallow_copy(node)
        assert copied is not node and type(copied) is type(node)
        assert all(getattr(copied, f.name) is getattr(node, f.name) for f in dataclasses.fields(node))
        assert module.code_for_node(copied) == module.code_for_node(node)
