"""Every fixture: kerascheck's summary equals what real Keras 3 builds.

One test per fixture file (id = its path under fixtures/).  The fixture (or its
Keras 3 "oracle twin", for legacy spellings) is executed with real Keras; every
model it constructs is compared, in construction order, with the models
``kerascheck summary --output-format json`` reports for the file: kind, name,
constructor line, and per row (InputLayer omitted) class, name, line, output
shape and trainable / non-trainable counts, then the totals.  Unknown values
are accepted only on rows whose constructor line carries ``# oracle: unknown``.
"""

from __future__ import annotations

import pytest

from oracle_lib import (
    FIXTURES,
    ReportError,
    compare,
    file_report,
    fixture_files,
    fixture_params,
    lines_aligned,
    fixture_recording,
    run_kerascheck,
    twin_of,
    unknown_lines,
)

PATHS = fixture_files()


@pytest.mark.parametrize("path", fixture_params(PATHS))
def test_kerascheck_matches_keras(keras, path, capsys):
    twin = twin_of(path)
    recording = fixture_recording(keras, path)
    assert recording.models, f"{path.name} builds no model under real Keras"
    try:
        _, report = run_kerascheck(path, capsys)
        entry = file_report(report, path)
    except ReportError as exc:
        pytest.fail(f"{path.relative_to(FIXTURES)}: {exc}", pytrace=False)
    allowed = unknown_lines(path) | (unknown_lines(twin) if twin else set())
    problems = compare(
        recording,
        entry,
        allowed_unknown=allowed,
        # A twin's lines are only comparable when it is written line for line.
        compare_lines=twin is None or lines_aligned(twin),
    )
    if problems:
        where = str(path.relative_to(FIXTURES)) + (f" (oracle: {twin.name})" if twin else "")
        pytest.fail(
            f"{where}: kerascheck disagrees with Keras 3 "
            f"({len(problems)} problem(s); t/nt = trainable/non-trainable)\n\n" + "\n\n".join(problems),
            pytrace=False,
        )
