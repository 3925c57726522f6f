"""Generated documentation is current."""

from pathlib import Path

from kerascheck.catalog.__main__ import render
from kerascheck.rules import all_rules
from kerascheck.rules.docs import README_END, README_START, readme_table, rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_layer_list_is_current():
    assert (ROOT / "docs" / "layers.md").read_text() == render(), "run: python -m kerascheck.catalog > docs/layers.md"


def test_rule_docs_are_current():
    expected = rules_markdown(all_rules().values())
    assert (ROOT / "docs" / "rules.md").read_text() == expected, "run: python -m kerascheck.rules > docs/rules.md"


def test_readme_rule_table_is_current():
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index(README_START), readme.index(README_END) + len(README_END)
    assert readme[start:end] == readme_table(all_rules().values()), (
        "replace the README's rule table with: python -m kerascheck.rules --readme-table"
    )


def test_every_rule_is_in_the_docs():
    docs = (ROOT / "docs" / "rules.md").read_text()
    for code, rule in all_rules().items():
        assert f"## {code} {rule.name}" in docs
