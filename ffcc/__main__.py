"""``python -m ffcc``: the ``ffcc`` command line."""

import sys

from .cli import main

sys.exit(main())
