"""The recipe's file and folder paths: resolved against the recipe's folder when it is read, and
written relative to synthocr's bundled folders when it is shipped to workers.

Paths into synthocr's bundled folders are written relative to them: the same recipe on another
installation (a moved checkout, a Beam worker) names the same files and hashes the same.
"""

from __future__ import annotations

from pathlib import Path

from synthocr.paths import bundled

BUNDLED_PREFIX = "synthocr-bundled:"
BUNDLED_FOLDERS = ("fonts", "backgrounds", "recipes")
BUNDLED_WORD_LISTS = ("english", "english_common")  # names of synthocr's own word lists, not paths


def to_portable(path: str) -> str:
    """A path into a bundled folder as `synthocr-bundled:NAME/...`; any other path as it is.

    >>> to_portable(str(bundled("fonts") / "a.ttf")), to_portable("english")
    ('synthocr-bundled:fonts/a.ttf', 'english')
    """
    if not Path(path).is_absolute():  # 'english', 'trdg:en', gs://...: the same on every machine
        return path
    resolved = Path(path).resolve()
    for name in BUNDLED_FOLDERS:
        root = bundled(name).resolve()
        if resolved == root or root in resolved.parents:
            relative = resolved.relative_to(root).as_posix()
            return f"{BUNDLED_PREFIX}{name}" + (f"/{relative}" if relative != "." else "")
    return path


def to_local(path: str) -> str:
    """A `synthocr-bundled:` path pointed at this installation's bundled folder; others as they are."""
    if not path.startswith(BUNDLED_PREFIX):
        return path
    name, _, relative = path.removeprefix(BUNDLED_PREFIX).partition("/")
    root = bundled(name)
    return str(root / relative) if relative else str(root)


def resolve_path(base: Path, value: str) -> str:
    """A recipe path made absolute against `base` (the recipe's folder); word list names as they are.

    >>> resolve_path(Path("/r"), "fonts"), resolve_path(Path("/r"), "trdg:en"), resolve_path(Path("/r"), "english_common")
    ('/r/fonts', 'trdg:en', 'english_common')
    """
    if value in BUNDLED_WORD_LISTS or value.startswith("trdg:"):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())
