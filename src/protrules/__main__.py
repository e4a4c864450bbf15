"""``python -m protrules``: the same command as ``protrules``."""

from __future__ import annotations

import sys

from protrules.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
