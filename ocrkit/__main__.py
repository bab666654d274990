"""``python -m ocrkit`` is the ``ocrkit`` command."""

import sys

from .cli import main

sys.exit(main())
