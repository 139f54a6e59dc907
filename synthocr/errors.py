"""The one exception type for mistakes a user can fix; the CLI prints it as one line, exit code 2."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence


class UserError(Exception):
    """A bad value the user gave us: the message names the value and where it came from.

    The library names its own parameters (`out_dir`, `resume=True`) and lists them in `params`;
    a front end writes its own spelling in their place with `spelled`, so the same error reads
    right from Python and from the command line.

    >>> str(UserError("recipe.yaml: fonts.size: expected a number, got 'big'"))
    "recipe.yaml: fonts.size: expected a number, got 'big'"
    >>> err = UserError("out_dir /d: nothing to resume; pass overwrite=True", params=("out_dir", "overwrite=True"))
    >>> err.spelled({"out_dir": "--out", "overwrite=True": "--overwrite"})
    '--out /d: nothing to resume; pass --overwrite'
    """

    def __init__(self, message: str, *, params: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.params = tuple(params)

    def spelled(self, names: Mapping[str, str]) -> str:
        """The message with each parameter it names written as `names` spells it. Names are
        whole words (a file name such as `count.txt` stays), so name a parameter the message's
        other words cannot be mistaken for (`TrainData.path`, not `path`).

        >>> UserError("count 0: in /d/count.txt", params=("count",)).spelled({"count": "--count"})
        '--count 0: in /d/count.txt'
        >>> UserError("nothing to resume; pass resume=True.", params=("resume=True",)).spelled({"resume=True": "--resume"})
        'nothing to resume; pass --resume.'
        """
        text = str(self)
        for param in sorted(self.params, key=len, reverse=True):
            if param in names:
                text = re.sub(rf"(?<![\w.-]){re.escape(param)}(?![\w=]|\.\w)", names[param], text)
        return text
