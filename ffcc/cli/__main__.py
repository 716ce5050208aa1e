"""``python -m ffcc.cli``: the ``ffcc`` command line."""

import sys

from . import main

sys.exit(main())
