"""The numbers quoted in the seed Q&As, from kerascheck's JSON and from real Keras.

Seed 000: Conv2D(10, (4,4)) on (32, 32, 3) -> 490 params, (None, 29, 29, 10);
          after a channel-summing Lambda, (None, 32, 32, 1) -> 170 params.
Seed 001: four same-padded Conv2D without bias on (28, 28, 3) -> 10,104.
Seed 002: Conv2D(32,(7,7),strides=3) then Conv2D(64,(5,5),strides=2) on
          (28, 28, 1) -> (None, 8, 8, 32) then (None, 2, 2, 64).
Seed 003: the worked counts 5,184 / 56 / 144,012.
Seed 004: the two Keras 1 VGG-like nets, channels first -> 604,035 and 336,387.
"""

from __future__ import annotations

import pytest

from oracle_lib import FIXTURES, ReportError, file_report, fixture_recording, run_kerascheck

SEEDS = FIXTURES / "seeds"

# fixture -> per model: (total params, {row index: (output shape, params)})
QUOTED = {
    "seed000_conv2d_params.py": [(490, {0: ([None, 29, 29, 10], 490)})],
    "seed000_depth_shared_lambda.py": [
        (170, {0: ([None, 32, 32, 1], 0), 1: ([None, 29, 29, 10], 170)})
    ],
    "seed001_same_padding_no_bias.py": [
        (
            10_104,
            {
                0: ([None, 28, 28, 32], 2400),
                1: ([None, 28, 28, 17], 4896),
                2: ([None, 28, 28, 13], 1989),
                3: ([None, 28, 28, 7], 819),
            },
        )
    ],
    "seed002_strided_mnist.py": [
        (
            135_468,
            {
                0: ([None, 8, 8, 32], 1568),
                1: ([None, 2, 2, 64], 51_200),
                2: ([None, 256], 0),
                3: ([None, 200], 51_200),
            },
        )
    ],
    "seed003_multichannel_kernels.py": [
        (5184, {0: ([None, 30, 30, 192], 5184)}),
        (56, {0: ([None, 30, 30, 2], 56)}),
        (144_012, {0: ([None, 12_000], 0), 1: ([None, 12], 144_012)}),
    ],
    "seed004_deeper_fewer_params.py": [
        (604_035, {0: ([None, 32, 26, 26], 320), 6: ([None, 4608], 0)}),
        (336_387, {12: ([None, 1024], 0), 13: ([None, 256], 262_400)}),
    ],
}


@pytest.mark.parametrize("name", sorted(QUOTED))
def test_real_keras_prints_the_quoted_numbers(keras, name):
    recording = fixture_recording(keras, SEEDS / name)
    got = [
        (m.total, {i: (m.rows[i].shape, m.rows[i].params) for i in rows})
        for m, (_, rows) in zip(recording.models, QUOTED[name])
    ]
    assert len(recording.models) == len(QUOTED[name])
    assert got == QUOTED[name]


@pytest.mark.parametrize("name", sorted(QUOTED))
def test_kerascheck_gives_the_quoted_numbers(name, capsys):
    path = SEEDS / name
    try:
        _, report = run_kerascheck(path, capsys)
        models = file_report(report, path)["models"]
    except ReportError as exc:
        pytest.fail(f"{name}: {exc}", pytrace=False)
    assert len(models) == len(QUOTED[name]), [m["name"] for m in models]
    for model, (total, rows) in zip(models, QUOTED[name]):
        assert model["total_params"] == total, f"{model['name']}: total {model['total_params']} != {total:,}"
        for i, (shape, params) in rows.items():
            layer = model["layers"][i]
            assert (layer["output_shape"], layer["params"]) == (shape, params), (
                f"{model['name']} row {i} ({layer['name']}): "
                f"{layer['output_shape']} / {layer['params']} != {shape} / {params}"
            )
