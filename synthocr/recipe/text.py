"""The recipe's `text` section: word lists and random strings by weight, case mix, charset."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from synthocr.recipe.base import Strict
from synthocr.training.charset import DEFAULT_CHARSET


class Punctuation(Strict):
    """`text.punctuation`: marks set before or after a drawn text, as signs and sentences have them.

    Real crops show the `!` of "OPEN!" and the `.` of "dress."; a model that never saw a mark reads
    it as the nearest letter (`I`, `l`, `s`, `2`). The label keeps the mark, so the charset needs it.
    """

    p: float = Field(0.0, ge=0, le=1, description="chance that a text gets one mark")
    after: dict[str, float] = Field(default_factory=dict, description="marks after the text, with weights")
    before: dict[str, float] = Field(default_factory=dict, description="marks before the text, with weights")

    @field_validator("after", "before")
    @classmethod
    def _weights(cls, marks: dict[str, float]) -> dict[str, float]:
        for mark, weight in marks.items():
            if not mark or weight < 0:
                raise ValueError(f"mark {mark!r}: needs a non-empty mark and a weight >= 0 (got {weight})")
        return marks

    @model_validator(mode="after")
    def _some_mark(self) -> Punctuation:
        if self.p > 0 and sum(self.after.values()) + sum(self.before.values()) <= 0:
            raise ValueError(f"p is {self.p} but no mark in 'after' or 'before' has a weight above 0")
        return self


class WordsSource(Strict):
    """Words drawn uniformly from a list: `english` or `english_common` (bundled), `trdg:LANG` (trdg's dictionaries) or a file."""

    kind: Literal["words"] = "words"
    path: str = Field(description="'english', 'english_common' (by frequency), 'trdg:en' (any trdg dictionary) or a file, one word per line")
    weight: float = Field(1.0, ge=0)
    min_length: int = Field(1, ge=1, description="shorter words are never drawn from this list")
    max_length: int | None = Field(None, ge=1, description="longer words are never drawn from this list "
                                                          "(real scene words are short: a median of 5 characters)")
    top: int | None = Field(None, ge=1, description="draw only from the first `top` entries (of a list ordered by frequency)")
    punctuation: Punctuation | None = Field(None, description="marks for this source's texts instead of text.punctuation")

    @model_validator(mode="after")
    def _lengths(self) -> WordsSource:
        if self.max_length is not None and self.min_length > self.max_length:
            raise ValueError(f"min_length {self.min_length} > max_length {self.max_length}")
        return self


class RandomSource(Strict):
    """Random strings over a character set, length uniform in [min_length, max_length]."""

    kind: Literal["random"]
    charset: str | None = Field(None, description="characters to draw from; default: text.charset")
    min_length: int = Field(1, ge=1)
    max_length: int = Field(10, ge=1)
    weight: float = Field(1.0, ge=0)
    punctuation: Punctuation | None = Field(None, description="marks for this source's texts instead of text.punctuation (e.g. '$' before numbers)")

    @model_validator(mode="after")
    def _lengths(self) -> RandomSource:
        if self.min_length > self.max_length:
            raise ValueError(f"min_length {self.min_length} > max_length {self.max_length}")
        return self


def _source_kind(value: Any) -> str:
    kind = value.get("kind", "words") if isinstance(value, dict) else getattr(value, "kind", "words")
    return kind if kind in ("words", "random") else "words"


TextSource = Annotated[
    Annotated[WordsSource, Tag("words")] | Annotated[RandomSource, Tag("random")],
    Discriminator(_source_kind),
]


class CaseMix(Strict):
    """Weights of the case transforms applied to a drawn text."""

    none: float = Field(1.0, ge=0)
    lower: float = Field(0.0, ge=0)
    upper: float = Field(0.0, ge=0)
    title: float = Field(0.0, ge=0)


class TextConfig(Strict):
    """`text`: where texts come from, their case, the model's charset and the longest text."""

    sources: list[TextSource] = Field(min_length=1)
    case: CaseMix = CaseMix()
    punctuation: Punctuation = Punctuation()
    charset: str = Field(DEFAULT_CHARSET, min_length=1, description="the model's vocabulary")
    max_length: int = Field(24, ge=1)

    @field_validator("charset")
    @classmethod
    def _unique(cls, value: str) -> str:
        seen = []
        for char in value:
            if char not in seen:
                seen.append(char)
        return "".join(seen)

    @model_validator(mode="after")
    def _marks_in_charset(self) -> TextConfig:
        where = [("punctuation", self.punctuation)]
        where += [(f"sources[{i}].punctuation", s.punctuation) for i, s in enumerate(self.sources) if s.punctuation]
        for name, marks in where:
            missing = sorted(set("".join([*marks.after, *marks.before])) - set(self.charset))
            if marks.p > 0 and missing:
                raise ValueError(f"{name}: marks {''.join(missing)!r} are not in text.charset: add them to it")
        return self
