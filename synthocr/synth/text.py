"""Text sampling: word lists and random strings with weights, case transforms, charset checks."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthocr.errors import UserError
from synthocr.recipe import Punctuation, RandomSource, TextConfig, WordsSource

BUNDLED_ENGLISH = Path(__file__).parent / "resources" / "english.txt"
# The 30,000 most frequent English words, most frequent first (from wordfreq; see its LICENSE file).
BUNDLED_COMMON = Path(__file__).parent / "resources" / "english_common.txt"
CASES = ("none", "lower", "upper", "title")


def trdg_dict_path(lang: str) -> Path:
    """The path of one of trdg's bundled dictionaries (`trdg:en` in a recipe), without importing trdg."""
    spec = importlib.util.find_spec("trdg")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("trdg is not installed: the trdg dictionaries are unavailable")
    return Path(next(iter(spec.submodule_search_locations))) / "dicts" / f"{lang}.txt"


def word_list_path(path: str) -> Path:
    if path == "english":
        return BUNDLED_ENGLISH
    if path == "english_common":
        return BUNDLED_COMMON
    if path.startswith("trdg:"):
        return trdg_dict_path(path.removeprefix("trdg:"))
    return Path(path)


def read_entries(path: Path, where: str) -> list[str]:
    """The entries of a word list in file order: one per line, stripped, blank lines dropped."""
    if not path.is_file():
        raise UserError(f"{where}: word list not found: {path}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise UserError(f"{where}: word list {path} is not UTF-8 (byte {err.start})") from None
    return [w for w in (line.strip() for line in lines) if w]


def load_words(source: WordsSource, where: str) -> list[str]:
    """Reads a word list: one entry per line, blank lines ignored, the first `top` kept, words shorter
    than min_length or longer than max_length dropped."""
    path = word_list_path(source.path)
    words = read_entries(path, where)[: source.top]
    words = [w for w in words if source.min_length <= len(w) <= (source.max_length or len(w))]
    if not words:
        if source.min_length > 1 or source.max_length is not None:
            raise UserError(f"{where}: word list {path} has no word of {source.min_length}-"
                            f"{source.max_length or 'any'} characters (min_length, max_length)")
        raise UserError(f"{where}: word list {path} is empty")
    return words


def apply_case(text: str, case: str) -> str:
    """
    >>> [apply_case("hello World", c) for c in CASES]
    ['hello World', 'hello world', 'HELLO WORLD', 'Hello World']
    """
    if case == "lower":
        return text.lower()
    if case == "upper":
        return text.upper()
    if case == "title":
        return text.title()
    return text


class Marks:
    """One `punctuation` section ready to draw: a mark before or after a text, at its p."""

    def __init__(self, config: Punctuation):
        self.p = config.p
        self._marks = [(mark, True) for mark in config.before] + [(mark, False) for mark in config.after]
        weights = np.array([*config.before.values(), *config.after.values()], dtype=float)
        self._weights = weights / weights.sum() if weights.sum() > 0 else weights

    def apply(self, text: str, rng: np.random.Generator) -> str:
        """The text with a mark before or after it, at p; no draw from the RNG when p is 0."""
        if self.p <= 0 or rng.random() >= self.p:
            return text
        mark, before = self._marks[int(rng.choice(len(self._marks), p=self._weights))]
        return mark + text if before else text + mark


@dataclass(frozen=True)
class DrawnText:
    text: str
    source: str
    case: str


class TextSampler:
    """Draws texts from the recipe's weighted sources; every value drawn from the caller's RNG."""

    def __init__(self, config: TextConfig, recipe_source: str = "recipe"):
        self.config = config
        self.charset = frozenset(config.charset)
        self._names: list[str] = []
        self._words: list[list[str] | None] = []
        self._random: list[RandomSource | None] = []
        for i, source in enumerate(config.sources):
            where = f"{recipe_source}: text.sources[{i}]"
            if isinstance(source, WordsSource):
                self._words.append(load_words(source, where))
                self._random.append(None)
                self._names.append(Path(source.path).stem if "/" in source.path else source.path)
            else:
                self._words.append(None)
                self._random.append(source)
                self._names.append("random")
        weights = np.array([s.weight for s in config.sources], dtype=float)
        if weights.sum() <= 0:
            raise UserError(f"{recipe_source}: text.sources: all weights are zero")
        self._weights = weights / weights.sum()
        case = config.case
        case_weights = np.array([case.none, case.lower, case.upper, case.title], dtype=float)
        if case_weights.sum() <= 0:
            raise UserError(f"{recipe_source}: text.case: all weights are zero")
        self._case_weights = case_weights / case_weights.sum()
        self._random_charsets = [np.array(list(s.charset or config.charset)) if s else None for s in self._random]
        shared = Marks(config.punctuation)
        self._marks = [Marks(s.punctuation) if s.punctuation else shared for s in config.sources]

    def draw(self, rng: np.random.Generator) -> DrawnText:
        index = int(rng.choice(len(self._weights), p=self._weights))
        words = self._words[index]
        if words is not None:
            text = words[int(rng.integers(len(words)))]
        else:
            spec = self._random[index]
            chars = self._random_charsets[index]
            assert spec is not None and chars is not None
            length = int(rng.integers(spec.min_length, spec.max_length + 1))
            text = "".join(chars[rng.integers(len(chars), size=length)])
        case = CASES[int(rng.choice(len(CASES), p=self._case_weights))]
        return DrawnText(self._marks[index].apply(apply_case(text, case), rng), self._names[index], case)

    def rejection(self, text: str) -> str | None:
        """Why a text cannot be used (`text_outside_charset`, `text_too_long`), or None."""
        if len(text) > self.config.max_length:
            return "text_too_long"
        if not set(text) <= self.charset:
            return "text_outside_charset"
        return None
