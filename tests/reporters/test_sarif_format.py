"""``check --output-format sarif``: valid SARIF 2.1.0 that GitHub code scanning reads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from kerascheck import __version__
from kerascheck.diagnostics import Diagnostic, Span
from kerascheck.report import FileReport
from kerascheck.reporters import sarif
from kerascheck.rules import all_rules
from tests.reporters.sources import CONV, CONV_END, CONV_START, FILES, write_fixtures

# The OASIS schema (see tests/data/README.md); its "$schema" is JSON Schema draft 4.
SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)


def valid(text: str) -> dict:
    """The SARIF log, after checking it against the official schema."""
    log = json.loads(text)
    VALIDATOR.validate(log)
    return log


def sarif_of(check, *argv: str) -> dict:
    code, out = check("--output-format", "sarif", *argv)
    assert code in (0, 1)
    return valid(out)


def by_file(run: dict) -> dict[str, dict]:
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]}


@pytest.fixture
def repository(tmp_path, monkeypatch) -> Path:
    """A git repository with the fixtures in ``pkg/``, which is the current folder."""
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    monkeypatch.chdir(write_fixtures(tmp_path / "repo" / "pkg"))
    return tmp_path / "repo"


def test_validator_is_the_schemas_draft():
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert isinstance(VALIDATOR, jsonschema.Draft4Validator)
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({"version": "2.1.0", "runs": [{"results": []}]})  # no tool


def test_log_tool_and_every_rule(repository, check):
    log = sarif_of(check, *FILES)
    assert log["$schema"] == SCHEMA["id"] and log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "kerascheck", __version__, "https://pypi.org/project/kerascheck/"
    )
    rules = all_rules()
    assert [r["id"] for r in driver["rules"]] == list(rules)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(driver["rules"], rules.values()):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        lines = descriptor["fullDescription"]["text"].split("\n")  # unwrapped: a break only starts a paragraph or item
        assert lines[0] and all(prev == "" or line == "" or line.startswith("- ") for prev, line in zip(lines, lines[1:]))
        assert descriptor["help"]["markdown"] == descriptor["help"]["text"]
        assert descriptor["help"]["text"].startswith(rule.docs.rstrip())
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
        assert "keras" in descriptor["properties"]["tags"]
    kc101 = driver["rules"][list(rules).index("KC101")]
    assert kc101["fullDescription"]["text"].startswith("Finds layers whose window (kernel, pool or crop) does not fit in")
    assert "\n" not in kc101["fullDescription"]["text"]


def test_results_are_relative_to_the_repository_root(repository, check):
    run = sarif_of(check, *FILES, "clean.py")["runs"][0]
    results = by_file(run)
    assert list(results) == ["pkg/models.py", "pkg/broken.py", "pkg/binary.py"]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repository.as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"] and result["level"] == "error"
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    kc101 = results["pkg/models.py"]
    assert kc101["ruleId"] == "KC101" and kc101["message"]["text"].startswith("conv2d (Conv2D): ")
    assert kc101["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": CONV_START, "endLine": 2, "endColumn": CONV_END
    }
    assert results["pkg/broken.py"]["ruleId"] == "KC001"
    assert results["pkg/binary.py"]["ruleId"] == "KC003"
    assert results["pkg/binary.py"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_outside_a_repository_uris_are_relative_to_the_current_folder(tmp_path, monkeypatch, check):
    if any((folder / ".git").exists() for folder in tmp_path.parents):
        pytest.skip("the temporary folder is inside a git repository")
    write_fixtures(tmp_path / "sub")
    monkeypatch.chdir(tmp_path)
    run = sarif_of(check, "sub")["runs"][0]
    assert sorted(by_file(run)) == ["sub/binary.py", "sub/broken.py", "sub/models.py"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"

    monkeypatch.chdir(tmp_path / "sub")  # a file outside the current folder: an absolute URI
    (tmp_path / "other.py").write_text(f"import keras\n{CONV}\n")
    run = sarif_of(check, str(tmp_path / "other.py"))["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "other.py").as_uri()} and "originalUriBaseIds" not in run


def test_uris_are_percent_encoded(repository, check):
    (repository / "pkg" / "my model#1 é.py").write_text(f"import keras\n{CONV}\n")
    run = sarif_of(check, "my model#1 é.py")["runs"][0]
    assert list(by_file(run)) == ["pkg/my%20model%231%20%C3%A9.py"]


def test_files_of_two_repositories_share_no_base(tmp_path, monkeypatch, check):
    for name in ("one", "two"):
        (tmp_path / name / ".git").mkdir(parents=True)
        (tmp_path / name / "m.py").write_text(f"import keras\n{CONV}\n")
    monkeypatch.chdir(tmp_path)
    run = sarif_of(check, "one/m.py", "two/m.py")["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == ["m.py", "m.py"] and "originalUriBaseIds" not in run


def test_levels_and_fixes():
    diagnostics = [
        Diagnostic("KC101", "non-positive-dimension", "error", "too small", Span(2, 1, 2, 4), fix="Use padding='same'."),
        Diagnostic("KC101", "non-positive-dimension", "info", "just a note", Span(3, 1, 4, 2)),
    ]
    run = valid(sarif.render([FileReport("a.py", diagnostics=diagnostics, source="x\ny\nz\nw\n")]))["runs"][0]
    first, second = run["results"]
    assert first["message"]["text"] == "too small\nFix: Use padding='same'." and first["level"] == "error"
    assert second["message"]["text"] == "just a note" and second["level"] == "note"
    assert second["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": 1, "endLine": 4, "endColumn": 2
    }


def test_fingerprints_follow_code_and_line_text_not_line_number():
    def fingerprints(source: str, *lines: int) -> list[str]:
        found = [Diagnostic("KC101", "non-positive-dimension", "error", "m", Span(n, 1, n, 2)) for n in lines]
        log = valid(sarif.render([FileReport("a.py", diagnostics=found, source=source)]))
        return [r["partialFingerprints"]["kerascheck/v1"] for r in log["runs"][0]["results"]]

    first, twin, other = fingerprints(f"{CONV}\n  {CONV}\nx = 1\n", 1, 2, 3)
    assert first.split(":")[0] == twin.split(":")[0] != other.split(":")[0]
    assert (first[-2:], twin[-2:]) == (":1", ":2")
    assert fingerprints(f"import keras\n\n{CONV}\n{CONV}\nx = 1\n", 3, 4, 5) == [first, twin, other]


def test_no_diagnostics_is_an_empty_result_list(repository, check):
    code, out = check("--output-format", "sarif", "clean.py")
    run = valid(out)["runs"][0]
    assert code == 0 and run["results"] == [] and "originalUriBaseIds" not in run
