"""The one exception type for mistakes a user can fix; the CLI prints it as one line, exit code 2."""

from __future__ import annotations


class UserError(Exception):
    """A bad value the user gave us: the message names the value and where it came from.

    >>> str(UserError("recipe.yaml: fonts.size: expected a number, got 'big'"))
    "recipe.yaml: fonts.size: expected a number, got 'big'"
    """
