"""`python bench/run_all.py [NAME ...] [options]`: the same as `python -m bench`, for those who prefer a path."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, where `bench` is a package

from bench.__main__ import main

if __name__ == '__main__':
    sys.exit(main())
