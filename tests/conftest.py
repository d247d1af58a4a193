"""Collection order for the parallel run (pytest-xdist, one file per worker at a time).

The browser test (tests/test_website.py) builds the book and visits every page: the longest file
by far. It goes first, so that one worker starts on it while the others take the rest.
"""

from pathlib import Path

SLOWEST_FIRST = ("test_website.py",)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: Path(str(item.fspath)).name not in SLOWEST_FIRST)
