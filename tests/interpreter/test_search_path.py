"""``sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))``: a
script's own way to find its helper modules."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from kerascheck.cli import main

SCRIPT = """
    import os
    import sys
    sys.path.insert(0, {folder})
    import keras
    import config

    inputs = keras.Input((config.HEIGHT, config.HEIGHT, config.CHANNELS))
    model = keras.Model(inputs, keras.layers.Conv2D(4, 3)(inputs))
"""


def only_model(tmp_path: Path, capsys, folder: str, config_in: str) -> dict:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / config_in).mkdir(parents=True)
    (tmp_path / config_in / "config.py").write_text("HEIGHT = 16\nCHANNELS = 3\n")
    script = tmp_path / "scripts" / "train.py"
    script.parent.mkdir(exist_ok=True)
    script.write_text(textwrap.dedent(SCRIPT.format(folder=folder)))
    main(["summary", "--output-format", "json", str(script)])
    [model] = json.loads(capsys.readouterr().out)["files"][0]["models"]
    return model


def test_a_folder_the_script_adds_from_its_own_path_is_searched(tmp_path, capsys):
    folder = 'os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")'
    model = only_model(tmp_path, capsys, folder, "lib")
    assert model["layers"][0]["output_shape"] == [None, 14, 14, 4]
    assert model["total_params"] == 3 * 3 * 3 * 4 + 4


def test_a_relative_folder_depends_on_where_the_script_runs_and_is_not_searched(tmp_path, capsys):
    model = only_model(tmp_path, capsys, '"../lib"', "lib")
    assert model["layers"][0]["output_shape"] == [None, "?", "?", 4]
    assert model["total_params"] is None
