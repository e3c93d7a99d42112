"""`python -m desktop.cli` = `rounds`."""

import sys

from desktop.cli import main

# Guarded: plan searches run in spawned processes, which import the main module again.
if __name__ == "__main__":
    sys.exit(main())
