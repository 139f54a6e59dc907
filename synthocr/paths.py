"""Where the bundled fonts, backgrounds and recipes live: in a checkout, or inside an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """`fonts`, `backgrounds` or `recipes`: the copy inside the package, else the checkout's.

    >>> bundled("fonts").name
    'fonts'
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name
