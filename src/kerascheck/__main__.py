"""Allow ``python -m kerascheck``."""

import sys

from kerascheck.cli import main

sys.exit(main())
