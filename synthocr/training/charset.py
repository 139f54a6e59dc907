"""The model vocabulary: characters to CTC ids and back (0 is blank and padding, characters 1..N).

No TensorFlow here: the charset is shared by the input pipeline, the decoders, evaluation and the
saved run directory (`charset.json`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from synthocr.errors import UserError
from synthocr.training.rundir import MODEL_FILE

BLANK = 0
CHARSET_FILE = "charset.json"
# The vocabulary of a recipe that names none: digits and ASCII letters (also MJSynth's labels).
DEFAULT_CHARSET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Charset:
    """An ordered set of characters; id `i + 1` is `chars[i]`, id 0 is the CTC blank.

    >>> cs = Charset("abc")
    >>> cs.encode("cab")
    [3, 1, 2]
    >>> cs.decode([3, 0, 1, 2])
    'cab'
    >>> cs.num_classes
    4
    """

    def __init__(self, chars: str):
        if not chars:
            raise UserError("charset is empty")
        seen: set[str] = set()
        repeated = sorted({c for c in chars if c in seen or seen.add(c)})  # type: ignore[func-returns-value]
        if repeated:
            raise UserError(f"charset has repeated characters: {''.join(repeated)!r}")
        self.chars = chars
        self._ids = {c: i + 1 for i, c in enumerate(chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Charset) and other.chars == self.chars

    def __repr__(self) -> str:
        return f"Charset({self.chars!r})"

    @property
    def num_classes(self) -> int:
        """Characters plus the blank: the width of the model's last Dense layer."""
        return len(self.chars) + 1

    def encode(self, text: str) -> list[int]:
        """Ids 1..N of each character; a ValueError names any character outside the charset."""
        missing = self.missing(text)
        if missing:
            raise ValueError(f"{text!r}: characters outside the charset: {missing!r}")
        return [self._ids[c] for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        """Text of a sequence of ids; blanks, padding and out-of-range ids are dropped."""
        n = len(self.chars)
        return "".join(self.chars[i - 1] for i in ids if 0 < i <= n)

    def missing(self, texts: str | Iterable[str]) -> str:
        """The characters of `texts` this charset cannot express, sorted, each once.

        >>> Charset("ab").missing(["abc", "ba!"])
        '!c'
        """
        chars = set(texts) if isinstance(texts, str) else {c for t in texts for c in t}
        return "".join(sorted(chars - self._ids.keys()))

    def save(self, run_dir: str | Path) -> Path:
        """Writes `charset.json` into a run directory and returns its path."""
        path = Path(run_dir) / CHARSET_FILE
        path.write_text(json.dumps({"charset": self.chars}, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Charset:
        """Reads a `charset.json` (or the one in a run directory)."""
        path = Path(path)
        if path.is_dir():
            path = path / CHARSET_FILE
        if not path.is_file():
            raise UserError(f"{path}: no charset file (a run directory holds {CHARSET_FILE} beside {MODEL_FILE})")
        try:
            return cls(json.loads(path.read_text(encoding="utf-8"))["charset"])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise UserError(f"{path}: not a charset file ({err})") from None


def ctc_min_steps(text: str | Sequence[int]) -> int:
    """Frames CTC needs to emit `text`: one per character plus a blank between repeated neighbours.

    >>> ctc_min_steps("hello")
    6
    """
    return len(text) + sum(1 for a, b in zip(text, text[1:]) if a == b)
