"""``python -m kerascheck.rules`` prints docs/rules.md; ``--readme-table`` the README's table."""

from __future__ import annotations

import sys

from kerascheck.rules import all_rules
from kerascheck.rules.docs import readme_table, rules_markdown

if __name__ == "__main__":
    rules = all_rules().values()
    sys.stdout.write(readme_table(rules) + "\n" if "--readme-table" in sys.argv else rules_markdown(rules))
