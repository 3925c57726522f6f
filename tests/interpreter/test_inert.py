"""Entry points that cannot build anything are not run (``interpreter.inert``): what
says a function is inert, and that everything else still runs."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from kerascheck.analysis import Options, analyze_source, libraries_for
from kerascheck.interpreter.engine import Interpreter
from kerascheck.interpreter.inert import is_inert


def inert(source: str, name: str = "f") -> bool:
    """Whether the function ``name`` of ``source`` is inert, once the module body ran."""
    _, libraries = libraries_for(Options())
    interpreter = Interpreter(cst.parse_module(textwrap.dedent(source)), libraries)
    interpreter.run_statements(interpreter.module.body, interpreter.globals)
    return is_inert(interpreter.globals.vars[name], interpreter.libraries)


@pytest.mark.parametrize(
    "source",
    [
        "def f(x, n=3):\n    return [x * i for i in range(n)] + list(map(str, (1, 2)))\n",
        "import numpy as np\ndef f(x):\n    return np.add(np.zeros((2, 3)), x).sum()\n",
        "import keras\ndef f(x):\n    return keras.ops.relu(keras.ops.add(x, 1))\n",
        "from keras import ops\ndef helper(x):\n    return ops.mean(x)\ndef f(x):\n    return helper(x) + helper(x)\n",
        "from keras.src.utils import file_utils, io_utils\ndef f(p):\n    io_utils.print_msg(p)\n    return file_utils.exists(file_utils.join(p, 'w.h5'))\n",
        "TABLE = {'a': 1}\ndef f(x):\n    return TABLE['a'] * x\n",  # a global read, not changed
        # classes only compared with
        "import keras\ndef f(x):\n    return isinstance(x, (keras.Variable, keras.layers.Dense)) or issubclass(x, keras.Model)\n",
        "import torch\nSCALES = (1, 2)\ndef f(x):\n    y = []\n    y.append(SCALES[0])\n    return torch.ravel(x), y\n",
        "def f(x):\n    def walk(node):\n        return [walk(c) for c in node]\n    return walk(x)\n",
        "class Box:\n    def __init__(self, v):\n        self.v = v\n    def get(self):\n        return self.v\ndef f(x):\n    return Box(x).get()\n",
    ],
)
def test_functions_that_make_only_plain_values_are_inert(source):
    assert inert(source)


@pytest.mark.parametrize(
    "source",
    [
        "import keras\ndef f():\n    return keras.Sequential([keras.layers.Dense(2)])\n",
        "from keras.layers import Dense\ndef f(units):\n    return Dense(units)\n",
        "import tensorflow as tf\ndef f():\n    return tf.keras.layers.Dense(2)\n",
        "import keras\ndef build():\n    return keras.layers.Dense(2)\ndef f():\n    return build()\n",
        "import keras\ndef f():\n    keras.backend.set_image_data_format('channels_first')\n",
        "import keras\ndef f(x):\n    return keras.ops.add(x, keras)\n",  # Keras itself, given away
        "from keras.src.utils import file_utils\ndef f(p):\n    return file_utils.File(p)\n",  # a class
        "from keras.src.utils import module_utils\ndef f():\n    return module_utils.tensorflow.keras.layers.Dense(2)\n",
        "LAYERS = []\ndef f(x):\n    LAYERS.append(x)\n",  # a global list changed
        "LAYERS = []\ndef f(x):\n    rows = LAYERS\n    rows.append(x)\n",  # through a local name
        "COUNT = 0\ndef f():\n    global COUNT\n    COUNT += 1\n",
        "def f():\n    import keras\n    return keras.layers.Dense(2)\n",  # an import inside
        "from keras.layers import *\ndef f():\n    return Dense(2)\n",  # a star import's name
        "def f():\n    return Dense(2)\n",  # a name the file leaves undefined (a snippet)
        "import sys\ndef f(path):\n    sys.path.append(path)\n",
        "import keras\nclass Block(keras.layers.Layer):\n    pass\ndef f():\n    return Block()\n",
        # a nested function binds the name the outer one reads as the global model
        "import keras\nmodel = keras.Sequential()\ndef f():\n    def g():\n        model = 1\n    model.add(keras.layers.Dense(2))\n",
        "import keras\ndef f(layer=keras.layers.Dense(2)):\n    return layer\n",  # a default that is a layer
        "import keras\ndef f(x):\n    return isinstance(x, keras.layers.Dense) and keras.layers.Dense(2)\n",
        "import keras\ndef f(x):\n    return isinstance(keras.layers.Dense(2), type(x))\n",
    ],
)
def test_functions_that_may_build_or_change_anything_are_not(source):
    assert not inert(source)


def test_an_inert_entry_point_is_not_run_and_one_that_builds_is():
    file = analyze_source(
        textwrap.dedent(
            """\
            import keras

            def spin(n=0):
                while True:  # run, it would spend its budget (KC002)
                    n += 1

            def build():
                return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
            """
        ),
        "m.py",
        Options(),
    )
    assert [d.code for d in file.diagnostics] == []
    assert [(m.name, m.total) for m in file.models] == [("sequential", 10)]
