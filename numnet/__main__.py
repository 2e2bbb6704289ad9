"""``python -m numnet``: the same as the ``numnet`` command (see ``numnet/cli.py``)."""
import sys

from numnet.cli import main

sys.exit(main())
