"""The command line: formats, standard input, exit codes, start-up."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

from kerascheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "seeds" / "seed000_conv2d_params.py"


def test_table_output_has_keras_columns_and_totals(capsys):
    assert main(["summary", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "Layer (type)" in out and "Output Shape" in out and "Param #" in out
    assert "conv2d (Conv2D)" in out
    assert "Total params: 490" in out and "Non-trainable params: 0" in out


def test_explain_shows_the_derivation(capsys):
    assert main(["summary", "--explain", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "Conv2D: 10 filters × (4×4 kernel × 3 input channels) + 10 biases = 490" in out
    assert "floor((32 + 0 − 4) / 1) + 1 = 29" in out


def test_json_follows_the_schema(capsys):
    assert main(["summary", "--output-format", "json", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    (file,) = data["files"]
    assert set(file) == {"path", "models", "diagnostics"}
    (model,) = file["models"]
    assert {"name", "line", "kind", "layers", "total_params", "trainable_params", "non_trainable_params"} <= set(model)
    (layer,) = model["layers"]
    assert set(layer) == {
        "name", "class", "line", "output_shape", "params", "trainable_params", "non_trainable_params"
    }
    assert layer["output_shape"] == [None, 29, 29, 10]


def test_stdin_with_filename(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    assert main(["summary", "--output-format", "json", "--stdin-filename", "seed.py", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"][0]["path"] == "seed.py"
    assert data["files"][0]["models"][0]["total_params"] == 490


def test_exit_code_1_on_error_diagnostic_and_other_files_still_checked(tmp_path, capsys):
    (tmp_path / "broken.py").write_text("import keras\ndef f(:\n")
    (tmp_path / "good.py").write_text(SEED.read_text())
    assert main(["summary", "--output-format", "json", str(tmp_path)]) == 1
    files = {Path(f["path"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert files["broken.py"]["diagnostics"][0]["code"] == "KC001"
    assert files["good.py"]["models"][0]["total_params"] == 490


def test_exit_code_2_on_usage_error(capsys):
    assert main(["summary", "--output-format", "nope"]) == 2
    assert main([]) == 2


def test_data_format_option_switches_default(tmp_path, capsys):
    path = tmp_path / "m.py"
    path.write_text(
        "from keras import layers, models\n"
        "m = models.Sequential([layers.Conv2D(8, 3, input_shape=(3, 32, 32))])\n"
    )
    main(["summary", "--output-format", "json", "--data-format", "channels_first", str(path)])
    layer = json.loads(capsys.readouterr().out)["files"][0]["models"][0]["layers"][0]
    assert layer["output_shape"] == [None, 8, 30, 30]


def test_version_starts_without_heavy_imports():
    code = "import sys, kerascheck.cli; print('libcst' in sys.modules, 'kerascheck.interpreter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kerascheck", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("kerascheck ")
    assert time.perf_counter() - start < 10  # generous: the budget itself is measured in bench/


def test_server_without_its_extra_is_a_usage_error_and_check_never_loads_it(tmp_path):
    code = "import sys; sys.modules['pygls'] = None; from kerascheck.cli import main; sys.exit(main(['server']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2 and "pip install 'kerascheck[server]'" in done.stderr
    (tmp_path / "m.py").write_text("import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n")
    code = (f"import sys; from kerascheck.cli import main; main(['check', {str(tmp_path / 'm.py')!r}]); "
            "print(*[m for m in sys.modules if m.startswith(('pygls', 'lsprotocol', 'kerascheck.server'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == ""
