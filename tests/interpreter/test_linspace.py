"""``numpy.linspace`` on plain numbers: NumPy's own values, and nothing NumPy would do differently."""

import numpy as np
import pytest

from kerascheck.libraries.numpy_arrays import Vector, linspace
from tests.helpers import only_model


CASES = [(0.0, 0.0, 18), (0.0, 0.1, 18), (0.0, 0.5, 36), (1, 7, 4), (-2.5, 3.3, 7), (0.3, 0.1, 5), (1e-310, 2e-310, 3), (2.0, 3.0, 1), (2.0, 3.0, 0)]


@pytest.mark.parametrize("start,stop,num,endpoint", [(*case, endpoint) for case in CASES for endpoint in (True, False)])
def test_values_are_numpys(start, stop, num, endpoint):
    got = linspace(start, stop, num, endpoint=endpoint)
    assert isinstance(got, Vector)
    assert [v.hex() for v in got] == [float(v).hex() for v in np.linspace(start, stop, num, endpoint=endpoint)]


def test_a_drop_rate_schedule_picks_the_branch_keras_takes():
    model = only_model(
        """
        import numpy as np
        from tensorflow import keras
        rates = [float(x) for x in np.linspace(0.0, 0.0, 3)]
        x = inp = keras.Input((4,))
        for rate in rates:
            x = keras.layers.Dropout(rate)(x) if rate else keras.layers.Activation("linear")(x)
        model = keras.Model(inp, x, name=f"n{len(rates)}")
        """
    )
    assert model["name"] == "n3"
    assert [layer["class"] for layer in model["layers"]] == ["Activation"] * 3


@pytest.mark.parametrize(
    "expression",
    ["np.linspace(0, 1, 3) * 2", "str(np.linspace(0, 1, 3))", "f'{np.linspace(0, 1, 3)}'", "repr(list(np.linspace(0, 1, 3)))", "str(list(np.linspace(0, 1, 3)))", "1 if np.linspace(0, 1, 3) else 2", "np.linspace(0, 1, 3) == 0"],
)
def test_what_numpy_does_differently_is_unknown(expression):
    model = only_model(
        f"""
        import numpy as np
        from tensorflow import keras
        value = {expression}
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)], name=f"{{value}}")
        """
    )
    assert model["name"] == "?"
