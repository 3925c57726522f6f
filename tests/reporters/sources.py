"""Small files that produce diagnostics, for the ``check`` output formats."""

from __future__ import annotations

from pathlib import Path

#: A 3×3 convolution over a 1-pixel-wide input: KC101 on line 2.
CONV = "m = keras.Sequential([keras.Input((28, 1, 1)), keras.layers.Conv2D(8, 3)])"
CONV_START = CONV.index("keras.layers.Conv2D") + 1
CONV_END = CONV.index("(8, 3)") + len("(8, 3)") + 1  # exclusive
FILES = ("models.py", "broken.py", "binary.py")  # KC101, KC001, KC003


def write_fixtures(folder: Path) -> Path:
    """models.py (KC101), broken.py (KC001), binary.py (KC003) and clean.py in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "models.py").write_text(f"import keras\n{CONV}\n")
    (folder / "broken.py").write_text("import keras\ndef f(:\n")
    (folder / "binary.py").write_bytes(b"\x89HDF\r\n\x1a\n\x00\x00keras")
    (folder / "clean.py").write_text("import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n")
    return folder
