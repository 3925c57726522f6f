"""The real-bug benchmark (bench/realbugs/): every manifest is well formed, and
score.py judges a pair as its README defines.

The benchmark itself needs the fetched repositories and is not run here.
"""

from __future__ import annotations

import ast
import tomllib

import pytest

from bench_modules import BENCH as ROOT, load

BENCH = ROOT / "realbugs"


pairs = load("realbugs", "pairs")
score = load("realbugs", "score")
MANIFEST_FILES = sorted((BENCH / "manifest").glob("*.toml"))


def test_there_are_manifests():
    assert MANIFEST_FILES


@pytest.mark.parametrize("path", MANIFEST_FILES, ids=lambda p: p.stem)
def test_manifest_is_well_formed(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert pairs.problems(data, path.name) == []
    for pair in pairs.load(path):
        if pair.from_page:
            ast.parse(pair.buggy_code)
            ast.parse(pair.fixed_code)
            assert pair.buggy_code != pair.fixed_code


def test_pair_ids_are_unique_across_manifests():
    assert len(pairs.all_pairs()) == len({p.id for p in pairs.all_pairs()})


def test_problems_are_found():
    repo = {"repo": "a/b", "pairs": [
        {"id": "x", "buggy": "1" * 40, "fixed": "z", "path": "m.py", "line": "3", "codes": ["K205"],
         "static": True, "bug": "", "fix": "", "extra": 1},
        {"id": "x", "buggy": "1" * 40, "fixed": "2" * 40, "path": "m.py", "line": 3, "codes": ["KC205"],
         "static": True, "bug": "", "fix": "", "remaining": [{"code": "KC202", "line": 4}]},
    ]}
    found = "\n".join(pairs.problems(repo, "a+c.toml"))
    for part in ("file name", "pairs[0].fixed: not 40", "pairs[0].line", "pairs[0].codes", "unknown keys ['extra']",
                 "pairs[1].id", "remaining[0].why: missing"):
        assert part in found
    page = {"page": "example.org", "pairs": [
        {"id": "y", "line": 9, "codes": ["KC205"], "static": True, "bug": "", "fix": "",
         "buggy_code": "import keras\n" * 30, "fixed_code": "import keras\n"},
    ]}
    found = "\n".join(pairs.problems(page, "qa-y.toml"))
    for part in ("page: not an address", "buggy_code: over 25 lines"):
        assert part in found
    assert "line: not a line" in "\n".join(pairs.problems({**page, "pairs": [{**page["pairs"][0], "buggy_code": "x = 1\n"}]}, "qa-y.toml"))


# ---------------------------------------------------------------- judging
def _pair(**fields) -> pairs.Pair:
    base = {"id": "p", "source": "a/b", "line": 10, "codes": ("KC205",), "static": True, "bug": "", "fix": ""}
    return pairs.Pair(**{**base, **fields})


def _found(code: str, line: int, severity: str = "warning", end_line: int | None = None) -> score.Found:
    return score.Found(code, severity, line, end_line or line, "message")


def test_a_hit_is_an_expected_code_covering_the_line():
    pair = _pair(other_lines=(14,))
    assert score.judge(pair, [_found("KC205", 8, end_line=11)], []).hit
    assert score.judge(pair, [_found("KC205", 14)], []).hit
    missed = score.judge(pair, [_found("KC205", 12), _found("KC202", 10)], [])
    assert not missed.hit and [d.line for d in missed.elsewhere] == [12]


def test_false_alarms_are_warnings_and_errors_on_the_fixed_version_not_listed_as_remaining():
    pair = _pair(remaining=(pairs.Remaining("KC107", 5, "Keras 3 raises"),))
    fixed = [_found("KC107", 5, "error"), _found("KC202", 7), _found("KC208", 3, "info"), _found("KC201", 5)]
    outcome = score.judge(pair, [], fixed)
    assert [(d.code, d.line) for d in outcome.false_alarms] == [("KC202", 7), ("KC201", 5)]
    assert [d.code for d in outcome.fixed_infos] == ["KC208"]


def test_tally_counts_a_pair_for_its_first_code_and_alarms_for_theirs():
    tally = score.Tally()
    tally.add(score.judge(_pair(codes=("KC214", "KC205")), [_found("KC205", 10)], [_found("KC202", 3)]))
    tally.add(score.judge(_pair(id="q", static=False), [], []))
    assert (tally.rules["KC214"].pairs, tally.rules["KC214"].visible, tally.rules["KC214"].hit) == (1, 1, 1)
    assert (tally.rules["KC205"].pairs, tally.rules["KC205"].visible) == (1, 0)
    assert tally.rules["KC202"].false_alarms == 1
    assert "2 pairs, 1 bugs statically visible, 1 hit" in tally.table()
