"""A pydantic validation error as one line that names the recipe file and the key path."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


def format_loc(loc: tuple[Any, ...]) -> str:
    """A pydantic location as a key path.

    >>> format_loc(("text", "sources", 0, "path")), format_loc(())
    ('text.sources[0].path', '(top level)')
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def format_validation_error(source: str, err: ValidationError, prefix: str = "") -> str:
    """`SOURCE: KEY.PATH: message (got VALUE)` for the first error, and how many more there are."""
    first = err.errors()[0]
    # Tagged unions and literal dicts add the tag or the function name to the location: drop them.
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and ("[" in p or p in ("words", "random"))))
    where = format_loc(((prefix,) if prefix else ()) + loc)
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    else:
        message = first["msg"].removeprefix("Value error, ")
        if "input" in first and not isinstance(first["input"], dict):
            message += f" (got {first['input']!r})"
    more = f" (and {len(err.errors()) - 1} more)" if len(err.errors()) > 1 else ""
    return f"{source}: {where}: {message}{more}"
