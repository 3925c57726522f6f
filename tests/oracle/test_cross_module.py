"""Cross-module analysis on small projects written to ``tmp_path``, with real Keras as the oracle.

Each project's entry file is run with Keras (its folder on ``sys.path``, or
imported as a package module) and compared layer by layer with kerascheck's
report of that file alone: the models built in the modules it imports count
as its own, and every row's line is the line of the entry file through which
the layer was made (the call into the other module).
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

from kerascheck.analysis import Options, analyze_source
from kerascheck.rules.kc207_even_kernel_same_padding import RULE as KC207
from oracle_lib import compare, file_report, record_keras, run_kerascheck

BLOCKS = """
from tensorflow import keras
from tensorflow.keras import layers

def conv_block(x, filters, name=None):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)

def head(x, classes=10):
    x = layers.GlobalAveragePooling2D()(x)
    return layers.Dense(classes, activation="softmax")(x)

def tiny(classes=3):
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, head(conv_block(inputs, 4), classes), name="tiny")
"""


@pytest.fixture(autouse=True)
def fresh_modules():
    """Keras imports each project's modules afresh (they share names across tests)."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def check_against_keras(keras, capsys, entry: Path, siblings: list[Path], run=None) -> dict:
    recording = record_keras(keras, entry, run=run, siblings=siblings)
    assert recording.models
    _, report = run_kerascheck(entry, capsys)
    got = file_report(report, entry)
    problems = compare(recording, got, allowed_unknown=set(), compare_lines=True)
    assert not problems, "\n\n".join(problems)
    return got


def test_sibling_module_imported_by_name(keras, capsys, tmp_path):
    write(
        tmp_path,
        {
            "blocks.py": BLOCKS,
            "net.py": """
                from tensorflow import keras
                import blocks
                from blocks import head as classifier

                inputs = keras.Input((32, 32, 3))
                x = blocks.conv_block(inputs, 16)
                x = blocks.conv_block(x, 32, name="second")
                model = keras.Model(inputs, classifier(x, classes=5))
                small = blocks.tiny()
            """,
        },
    )
    got = check_against_keras(keras, capsys, tmp_path / "net.py", [tmp_path / "blocks.py"])
    assert [m.get("context") for m in got["models"]] == [None, "blocks.tiny() at line 9"]
    assert [layer["line"] for layer in got["models"][0]["layers"]] == [6, 6, 6, 7, 7, 7, 8, 8]


def test_package_with_relative_imports(keras, capsys, tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "models/__init__.py": "",
            "models/blocks.py": BLOCKS,
            "models/net.py": """
                from tensorflow import keras
                from . import blocks
                from .blocks import head

                def build(width=8):
                    inputs = keras.Input((16, 16, 3))
                    x = blocks.conv_block(inputs, width)
                    return keras.Model(inputs, head(x), name="net")

                model = build()
            """,
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = tmp_path / "models" / "net.py"
    check_against_keras(keras, capsys, entry, [tmp_path / "models" / "blocks.py"], run=lambda: importlib.import_module("models.net"))


def test_pyproject_src_layout_and_an_entry_file_that_never_names_keras(keras, capsys, tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'proj'\n",
            "src/proj/__init__.py": "",
            "src/proj/parts/__init__.py": "",
            "src/proj/parts/blocks.py": BLOCKS,
            "scripts/train.py": """
                from proj.parts.blocks import tiny
                import proj.parts.blocks

                model = tiny(classes=7)
                other = proj.parts.blocks.tiny()
            """,
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path / "src"))  # as `pip install -e .` would
    check_against_keras(keras, capsys, tmp_path / "scripts" / "train.py", [tmp_path / "src" / "proj" / "parts" / "blocks.py"])


def test_an_imported_modules_body_runs_once_and_its_models_are_its_own(keras, capsys, tmp_path):
    write(
        tmp_path,
        {
            "common.py": """
                from tensorflow import keras
                SHARED = keras.layers.Dense(4)
                STANDALONE = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
                WIDTH = 6
            """,
            "blocks.py": """
                from tensorflow import keras
                from common import WIDTH

                def mlp(x):
                    return keras.layers.Dense(WIDTH)(x)
            """,
            "net.py": """
                from tensorflow import keras
                import common
                from blocks import mlp

                inputs = keras.Input((3,))
                x = common.SHARED(mlp(inputs))
                model = keras.Model(inputs, keras.layers.Dense(1)(x))
            """,
        },
    )
    got = check_against_keras(keras, capsys, tmp_path / "net.py", [tmp_path / "blocks.py"])
    assert [layer["name"] for layer in got["models"][0]["layers"]] == ["dense_2", "dense", "dense_3"]


def test_a_module_that_does_not_parse_leaves_its_results_unknown(capsys, tmp_path):
    write(
        tmp_path,
        {
            "blocks.py": "def conv_block(x:\n",
            "net.py": """
                from tensorflow import keras
                from blocks import conv_block

                inputs = keras.Input((8, 8, 3))
                model = keras.Model(inputs, conv_block(inputs, 4))
            """,
        },
    )
    _, report = run_kerascheck(tmp_path / "net.py", capsys)
    (model,) = file_report(report, tmp_path / "net.py")["models"]
    assert model["total_params"] is None


def test_circular_imports_end(capsys, tmp_path):
    write(
        tmp_path,
        {
            "a.py": """
                from tensorflow import keras
                import b
                UNITS = 3
                def build():
                    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(b.units())])
                model = build()
            """,
            "b.py": """
                import a
                def units():
                    return a.UNITS
            """,
        },
    )
    _, report = run_kerascheck(tmp_path / "a.py", capsys)
    (model,) = file_report(report, tmp_path / "a.py")["models"]
    assert model["total_params"] == 9


def test_diagnostics_in_another_module_are_placed_there(tmp_path):
    """At the layer's line in its module, the call that reached it as a related location
    (``kerascheck.elsewhere``; the run then moves it to that module's report)."""
    write(
        tmp_path,
        {
            "blocks.py": """
                from tensorflow.keras import layers
                def even(x):
                    return layers.Conv2D(8, 4, padding="same")(x)
            """,
            "net.py": """
                from tensorflow import keras
                import blocks
                x = inputs = keras.Input((16, 16, 3))
                for _ in range(2):
                    x = blocks.even(x)
                model = keras.Model(inputs, x)
            """,
        },
    )
    path = tmp_path / "net.py"
    report = analyze_source(path.read_text(), str(path), Options(rules=(KC207,)))
    [found] = report.diagnostics
    assert (found.code, Path(found.path or ""), found.span.line, found.span.column) == (
        "KC207", tmp_path / "blocks.py", 3, 12,
    )
    assert [(r.path, r.span.line, r.span.column) for r in found.related] == [(None, 5, 9)]  # None: net.py itself
    assert found.message.startswith("conv2d (Conv2D): kernel 4 with padding='same'")
    assert found.message.endswith("(and 1 more layer created by this call)")


@pytest.mark.parametrize("where", ["stdin", "nowhere"])
def test_a_source_without_a_file_follows_nothing(tmp_path, where):
    (tmp_path / "blocks.py").write_text(BLOCKS)
    source = "import blocks\nmodel = blocks.tiny()\n"
    path = "-" if where == "stdin" else str(tmp_path / "missing" / "net.py")
    assert analyze_source(source, path, Options()).models == []


def test_a_module_global_set_by_the_importing_file(keras, capsys, tmp_path):
    write(
        tmp_path,
        {
            "settings.py": """
                from tensorflow import keras

                WIDTH = 8

                def head(x):
                    return keras.layers.Dense(WIDTH)(x)
            """,
            "train.py": """
                from tensorflow import keras
                import settings

                settings.WIDTH = 64
                inputs = keras.Input((4,))
                model = keras.Model(inputs, settings.head(inputs))
            """,
        },
    )
    got = check_against_keras(keras, capsys, tmp_path / "train.py", [tmp_path / "settings.py"])
    assert got["models"][0]["layers"][0]["output_shape"] == [None, 64]


@pytest.mark.parametrize("marker", [".git/HEAD", "setup.py", "setup.cfg", "pyproject.toml"])
def test_a_test_file_imports_modules_of_the_repository_root(keras, capsys, tmp_path, monkeypatch, marker):
    write(
        tmp_path,
        {
            marker: "",
            "resnet.py": BLOCKS,
            "models/unet.py": """
                from tensorflow import keras

                def build(width=4):
                    inputs = keras.Input((8, 8, 2))
                    x = keras.layers.Conv2D(width, 3, padding="same")(inputs)
                    return keras.Model(inputs, keras.layers.Conv2D(1, 1)(x), name="unet")
            """,
            "src/pkg/__init__.py": "",
            "src/pkg/heads.py": """
                from tensorflow import keras

                def head(x):
                    return keras.layers.Dense(3)(x)
            """,
            "config.py": "WIDTH = 64\n",
            "tests/unit/config.py": "WIDTH = 5\n",  # the test's own folder comes first
            "tests/unit/test_net.py": """
                from tensorflow import keras
                import resnet
                from models.unet import build
                from pkg.heads import head
                from config import WIDTH

                inputs = keras.Input((16, 16, 3))
                x = resnet.conv_block(inputs, WIDTH)
                model = keras.Model(inputs, head(resnet.head(x)))
                unet = build()
            """,
        },
    )
    # the root on sys.path after the file's folder, as `python -m` or pytest's rootdir put it
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.syspath_prepend(str(tmp_path))
    siblings = [tmp_path / "resnet.py", tmp_path / "models" / "unet.py", tmp_path / "src" / "pkg" / "heads.py"]
    got = check_against_keras(keras, capsys, tmp_path / "tests" / "unit" / "test_net.py", siblings)
    assert got["models"][0]["layers"][0]["output_shape"] == [None, 16, 16, 5]
    assert [m["name"] for m in got["models"]] == ["functional", "unet"]


#: a third-party layer package in the style of keras-tcn (our own code): a
#: Layer subclass whose residual blocks are sublayers made in build()
TCN_PACKAGE = {
    "tcn/__init__.py": "from tcn.tcn import TCN\n",
    "tcn/tcn.py": """
        from tensorflow.keras import layers


        class ResidualBlock(layers.Layer):
            def __init__(self, filters, kernel_size, dilation_rate, **kwargs):
                super().__init__(**kwargs)
                self.conv = layers.Conv1D(filters, kernel_size, dilation_rate=dilation_rate, padding="causal")
                self.match = layers.Conv1D(filters, 1, padding="same")

            def call(self, x):
                return self.match(x) + self.conv(x)


        class TCN(layers.Layer):
            def __init__(self, nb_filters=8, kernel_size=3, dilations=(1, 2, 4), return_sequences=False, **kwargs):
                super().__init__(**kwargs)
                self.blocks = [ResidualBlock(nb_filters, kernel_size, d, name=f"residual_block_{i}") for i, d in enumerate(dilations)]
                self.return_sequences = return_sequences

            def call(self, x):
                for block in self.blocks:
                    x = block(x)
                return x if self.return_sequences else x[:, -1, :]
    """,
}


def test_an_installed_third_party_package_is_read_from_source(keras, capsys, tmp_path, monkeypatch):
    write(tmp_path / "site", TCN_PACKAGE)
    write(
        tmp_path / "project",
        {
            "train.py": """
                from tensorflow import keras
                from tcn import TCN

                inputs = keras.Input((20, 2))
                x = TCN(nb_filters=6, return_sequences=True)(inputs)
                x = TCN(nb_filters=4, dilations=(1, 2))(x)
                model = keras.Model(inputs, keras.layers.Dense(1)(x))
            """
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    got = check_against_keras(keras, capsys, tmp_path / "project" / "train.py", [])
    assert [row["class"] for row in got["models"][0]["layers"]] == ["TCN", "TCN", "Dense"]


def test_a_third_party_package_that_is_not_installed_is_named(capsys, tmp_path):
    entry = tmp_path / "train.py"
    entry.write_text("from tensorflow import keras\nfrom tcn import TCN\n\ninputs = keras.Input((20, 2))\nmodel = keras.Model(inputs, TCN()(inputs))\n")
    _, report = run_kerascheck(entry, capsys)
    [row] = file_report(report, entry)["models"][0]["layers"]
    assert row["output_shape"] is None
    assert "keras-tcn (module tcn), which is not installed" in row["unknown_reason"]
