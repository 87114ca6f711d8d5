#!/usr/bin/env python
"""Same as the `waibao` command, for people who expect a manage.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from waibao.manage import main

if __name__ == "__main__":
    main()
