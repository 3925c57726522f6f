"""Every fixture: kerascheck's summary equals what real Keras 3 builds.

One test per fixture file (id = its path under fixtures/).  The fixture (or its
Keras 3 "oracle twin", for legacy spellings) is executed with real Keras; every
model it constructs is compared, in construction order, with the models
``kerascheck summary --output-format json`` reports for the file: kind, name,
constructor line, and per row (InputLayer omitted) class, name, line, output
shape and trainable / non-trainable counts, then the totals.  Unknown values
are accepted only on rows whose constructor line carries ``# oracle: unknown``,
and such a mark must still be needed: a mark on a line whose rows kerascheck
reports exactly as Keras builds them is stale and fails the test.

The fixtures in ``fixtures/unknown/`` keep their folder's promise: each has
marks, and kerascheck reports every row of a marked line unknown.
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
    stale_marks,
    twin_of,
    unknown_lines,
    unknown_promise,
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
    marks, twin_marks = unknown_lines(path), (unknown_lines(twin) if twin else set())
    problems = compare(
        recording,
        entry,
        allowed_unknown=marks | twin_marks,
        # A twin's lines are only comparable when it is written line for line.
        compare_lines=twin is None or lines_aligned(twin),
    )
    stale = stale_marks(recording, entry, marks=marks, twin_marks=twin_marks)
    where = str(path.relative_to(FIXTURES)) + (f" (oracle: {twin.name})" if twin else "")
    message = []
    if problems:
        message.append(
            f"{where}: kerascheck disagrees with Keras 3 "
            f"({len(problems)} problem(s); t/nt = trainable/non-trainable)\n\n" + "\n\n".join(problems)
        )
    if stale:
        message.append(f"{where}: {len(stale)} stale mark(s)\n  " + "\n  ".join(stale))
    if message:
        pytest.fail("\n\n".join(message), pytrace=False)


UNKNOWN = [p for p in PATHS if p.relative_to(FIXTURES).parts[0] == "unknown"]


def test_unknown_folder_has_fixtures():
    assert UNKNOWN, f"no fixture in {FIXTURES / 'unknown'}"


@pytest.mark.parametrize("path", fixture_params(UNKNOWN))
def test_unknown_fixtures_are_reported_unknown(path, capsys):
    """fixtures/unknown/ holds "things kerascheck must report as unknown": every
    `# oracle: unknown` line there is reported unknown (shape or counts), and every
    file has such a line.  (That Keras agrees wherever kerascheck does know is
    ``test_kerascheck_matches_keras``'s part.)"""
    assert twin_of(path) is None, "marks in unknown/ are read from the file kerascheck reads"
    try:
        _, report = run_kerascheck(path, capsys)
        entry = file_report(report, path)
    except ReportError as exc:
        pytest.fail(f"{path.relative_to(FIXTURES)}: {exc}", pytrace=False)
    problems = unknown_promise(entry, unknown_lines(path))
    if problems:
        pytest.fail(f"{path.relative_to(FIXTURES)}:\n  " + "\n  ".join(problems), pytrace=False)
