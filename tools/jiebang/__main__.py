"""`python -m jiebang …` works exactly like `jiebang …` (a clerk on Windows may have no `jiebang` on PATH)."""

import sys

from .cli import main

sys.exit(main())
