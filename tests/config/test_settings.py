"""[tool.kerascheck]: discovery of the nearest pyproject.toml, validation, selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerascheck.analysis import options_for
from kerascheck.config import ConfigError, Settings, forget, load, parse, settings_for


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_nearest_pyproject_with_the_table_wins(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.kerascheck]\nignore = ["KC201"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")  # no table: skipped
    write(tmp_path / "pkg" / "sub" / "pyproject.toml", '[tool.kerascheck]\nignore = ["KC202"]\n')
    assert settings_for(tmp_path / "pkg" / "model.py").ignore == ("KC201",)
    assert settings_for(tmp_path / "pkg" / "sub" / "model.py").ignore == ("KC202",)


def test_config_option_overrides_discovery(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.kerascheck]\nignore = ["KC201"]\n')
    other = write(tmp_path / "ci" / "strict.toml", '[tool.kerascheck]\nmax-params = 1000\n')
    settings = settings_for(tmp_path / "model.py", override=other)
    assert settings.ignore == () and settings.rule_options == {"max-params": 1000}
    assert settings.root == other.parent.resolve()


def test_without_configuration_everything_is_selected(tmp_path):
    settings = Settings(root=tmp_path)
    assert settings.enabled("KC201") and settings.enabled("KC001")


@pytest.mark.parametrize(
    "table, code, expected",
    [
        ({"select": ["KC1"]}, "KC101", True),
        ({"select": ["KC1"]}, "KC201", False),
        ({"select": ["KC1"]}, "KC001", True),  # the analysis's own codes stay on
        ({"ignore": ["KC0"]}, "KC002", False),  # ... unless ignored by name
        ({"ignore": ["KC2"]}, "KC201", False),
        ({"ignore": ["KC2"]}, "KC301", True),
        ({"select": ["KC1"], "extend-select": ["KC201"]}, "KC201", True),
        ({"select": ["KC201"], "ignore": ["KC2"]}, "KC201", True),  # the more specific prefix decides
        ({"select": ["KC2"], "ignore": ["KC201"]}, "KC201", False),
        ({"select": ["KC2"], "ignore": ["KC2"]}, "KC202", False),  # ignore wins a tie
    ],
)
def test_selection(tmp_path, table, code, expected):
    assert parse(table, tmp_path).enabled(code) is expected


def test_per_file_ignores_are_relative_to_the_config(tmp_path):
    settings = parse({"per-file-ignores": {"legacy/*.py": ["KC301"], "**/test_*.py": ["KC2"]}}, tmp_path)
    assert not settings.enabled("KC301", tmp_path / "legacy" / "old.py")
    assert settings.enabled("KC301", tmp_path / "new.py")
    assert not settings.enabled("KC202", tmp_path / "a" / "b" / "test_model.py")
    assert settings.enabled("KC101", tmp_path / "a" / "b" / "test_model.py")


def test_exclude_uses_gitignore_patterns(tmp_path):
    settings = parse({"exclude": ["generated/", "*_pb2.py", "legacy/old.py"]}, tmp_path)
    assert settings.is_excluded(tmp_path / "generated", is_dir=True)
    assert settings.is_excluded(tmp_path / "src" / "generated" / "m.py")
    assert settings.is_excluded(tmp_path / "x_pb2.py")
    assert settings.is_excluded(tmp_path / "legacy" / "old.py")
    assert not settings.is_excluded(tmp_path / "model.py")
    assert not settings.is_excluded(tmp_path)
    # outside the config's folder, a pattern applies to names alone
    assert settings.is_excluded(Path("/elsewhere/x_pb2.py"))
    assert not settings.is_excluded(Path("/elsewhere/legacy/old.py"))


def test_exclude_replaces_the_defaults_and_extend_exclude_adds_to_them(tmp_path):
    defaults = parse({}, tmp_path)
    assert defaults.excludes(tmp_path / "build", True) and defaults.excludes(tmp_path / ".tox", True)
    assert not defaults.excludes(tmp_path / "build.py", False)
    extended = parse({"extend-exclude": ["generated/"]}, tmp_path)
    assert extended.excludes(tmp_path / "build", True) and extended.excludes(tmp_path / "generated", True)
    replaced = parse({"exclude": ["generated/"]}, tmp_path)
    assert not replaced.excludes(tmp_path / "build", True) and replaced.excludes(tmp_path / "generated", True)


def test_include_and_respect_gitignore(tmp_path):
    settings = parse({"include": ["*.py", "*.pyw"], "respect-gitignore": False}, tmp_path)
    assert settings.includes(tmp_path / "a.pyw") and settings.includes(tmp_path / "a.py")
    assert not settings.includes(tmp_path / "a.ipynb") and not settings.respect_gitignore
    assert parse({}, tmp_path).respect_gitignore
    with pytest.raises(ConfigError, match="respect-gitignore must be true or false"):
        parse({"respect-gitignore": "no"}, tmp_path)


def test_rule_options_and_data_format(tmp_path):
    table = {"hotspot-min-params": 5000, "hotspot-share": 0.25, "max-params": 10**6, "report-matching": True}
    settings = parse({**table, "data-format": "channels_first"}, tmp_path)
    assert settings.rule_options == table
    assert settings.data_format == "channels_first"


@pytest.mark.parametrize(
    "table, message",
    [
        ({"selct": ["KC1"]}, "unknown key 'selct' (did you mean 'select'?)"),
        ({"select": "KC1"}, "select must be a list of strings"),
        ({"select": ["KC9"]}, "'KC9' is not a rule code"),
        ({"ignore": ["E501"]}, "'E501' is not a rule code"),
        ({"data-format": "nhwc"}, "data-format must be one of channels_last, channels_first"),
        ({"per-file-ignores": ["x"]}, "per-file-ignores must be a table"),
        ({"max-params": "big"}, "max-params must be a number"),
        ({"max-params": 1.5}, "max-params must be an integer"),
        ({"max-params": 0}, "max-params must be positive"),
        ({"hotspot-share": 2}, "hotspot-share must be between 0 and 1"),
        ({"hotspot-share": True}, "hotspot-share must be a number"),
        ({"report-matching": 1}, "report-matching must be true or false"),
    ],
)
def test_bad_values_name_the_key(tmp_path, table, message):
    with pytest.raises(ConfigError, match=None) as error:
        parse(table, tmp_path, tmp_path / "pyproject.toml")
    assert message in str(error.value)
    assert str(tmp_path / "pyproject.toml") in str(error.value)


def test_invalid_toml_is_a_config_error(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.kerascheck\nselect = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(path)


def test_a_pattern_that_is_no_gitignore_pattern_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"exclude: '!' is not a gitignore pattern"):
        parse({"exclude": ["build/", "!"]}, tmp_path)
    with pytest.raises(ConfigError, match=r"per-file-ignores '\\\\'"):
        parse({"per-file-ignores": {"\\": ["KC201"]}}, tmp_path)


def test_files_without_configuration_share_one_settings_object(tmp_path, monkeypatch):
    # (its patterns are compiled once for the run, not once per file)
    monkeypatch.chdir(tmp_path)
    first, second = settings_for(tmp_path / "a" / "one.py"), settings_for(tmp_path / "b" / "two.py")
    assert first is second and first.root == tmp_path.resolve() and first.source is None
    write(tmp_path / "pyproject.toml", '[tool.kerascheck]\nignore = ["KC201"]\n')
    forget()  # (the language server, when a configuration file changed)
    assert settings_for(tmp_path / "a" / "one.py").ignore == ("KC201",)


def codes_checked(settings: Settings, path: Path) -> set[str]:
    return {rule.code for rule in options_for(settings, path, "check").rules}


def test_the_rules_of_a_file_follow_its_selection(tmp_path):
    # (chosen once per selection: files under the same settings share them)
    checked = codes_checked(parse({}, tmp_path), tmp_path / "m.py")
    assert "KC201" in checked
    assert "KC201" not in codes_checked(parse({"ignore": ["KC2"]}, tmp_path), tmp_path / "m.py")
    assert codes_checked(parse({}, tmp_path), tmp_path / "other.py") == checked
    per_file = parse({"per-file-ignores": {"legacy/*.py": ["KC2"]}}, tmp_path)
    assert "KC201" not in codes_checked(per_file, tmp_path / "legacy" / "m.py")
    assert "KC201" in codes_checked(per_file, tmp_path / "new.py")
