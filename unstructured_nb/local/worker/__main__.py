"""``python -m unstructured_nb.local.worker FD [PARENT_PID]``: one worker process, as the pool spawns it."""

import sys

from .main import main

if __name__ == "__main__":
    main(sys.argv)
