"""Text sampling: word lists, random strings, case transforms, rejection reasons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synthocr.errors import UserError
from synthocr.recipe import TextConfig
from synthocr.synth.text import BUNDLED_COMMON, BUNDLED_ENGLISH, CASES, TextSampler, apply_case, load_words, word_list_path


@pytest.mark.parametrize(("case", "expected"), [("none", "mcDonald x2"), ("lower", "mcdonald x2"),
                                                ("upper", "MCDONALD X2"), ("title", "Mcdonald X2")])
def test_case_transforms(case: str, expected: str) -> None:
    assert apply_case("mcDonald x2", case) == expected


def test_word_lists_by_name_and_file(tmp_path: Path) -> None:
    assert word_list_path("english") == BUNDLED_ENGLISH
    assert word_list_path("trdg:en").name == "en.txt"
    words = tmp_path / "w.txt"
    words.write_text("a\n\n  bc \ndef\n", encoding="utf-8")
    config = TextConfig(sources=[{"path": str(words), "min_length": 2}])
    assert load_words(config.sources[0], "r.yaml") == ["bc", "def"]
    short = TextConfig(sources=[{"path": str(words), "max_length": 2}])
    assert load_words(short.sources[0], "r.yaml") == ["a", "bc"]
    none_fit = TextConfig(sources=[{"path": str(words), "min_length": 4, "max_length": 6}])
    with pytest.raises(UserError, match=r"r.yaml: word list .*w.txt has no word of 4-6 characters"):
        load_words(none_fit.sources[0], "r.yaml")
    with pytest.raises(ValueError, match="min_length 5 > max_length 3"):
        TextConfig(sources=[{"path": str(words), "min_length": 5, "max_length": 3}])


def test_random_strings_use_their_charset_and_lengths() -> None:
    config = TextConfig(sources=[{"kind": "random", "charset": "01", "min_length": 2, "max_length": 4}])
    sampler = TextSampler(config)
    drawn = [sampler.draw(np.random.default_rng(seed)) for seed in range(50)]
    assert {d.source for d in drawn} == {"random"} and {d.case for d in drawn} == {"none"}
    assert all(set(d.text) <= {"0", "1"} and 2 <= len(d.text) <= 4 for d in drawn)
    assert {len(d.text) for d in drawn} == {2, 3, 4}


def test_every_case_is_drawn_by_its_weight_and_recorded(tmp_path: Path) -> None:
    words = tmp_path / "w.txt"
    words.write_text("hello\n", encoding="utf-8")
    config = TextConfig(sources=[{"path": str(words)}], case={"none": 1, "lower": 1, "upper": 1, "title": 1})
    sampler = TextSampler(config)
    drawn = {sampler.draw(np.random.default_rng(seed)) for seed in range(60)}
    assert {(d.case, d.text) for d in drawn} == {(c, apply_case("hello", c)) for c in CASES}
    assert {d.source for d in drawn} == {"w"}


def test_rejections_name_the_reason() -> None:
    sampler = TextSampler(TextConfig(sources=[{"path": "english"}], charset="abc", max_length=3))
    assert sampler.rejection("abc") is None
    assert sampler.rejection("abcd") == "text_too_long"
    assert sampler.rejection("abz") == "text_outside_charset"


def test_errors_name_the_source(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"r.yaml: text.sources\[0\]: word list not found"):
        TextSampler(TextConfig(sources=[{"path": str(tmp_path / "none.txt")}]), "r.yaml")
    with pytest.raises(UserError, match="text.sources: all weights are zero"):
        TextSampler(TextConfig(sources=[{"path": "english", "weight": 0}]))


def test_punctuation_sets_one_mark_before_or_after_by_weight(tmp_path: Path) -> None:
    words = tmp_path / "w.txt"
    words.write_text("open\n", encoding="utf-8")
    marks = {"p": 1.0, "after": {"!": 1, "'s": 1}, "before": {"$": 1}}
    sampler = TextSampler(TextConfig(sources=[{"path": str(words)}], charset="opens!'$", punctuation=marks))
    texts = [sampler.draw(np.random.default_rng(seed)).text for seed in range(60)]
    assert set(texts) == {"open!", "open's", "$open"}
    half = TextSampler(TextConfig(sources=[{"path": str(words)}], charset="open!", punctuation={"p": 0.5, "after": {"!": 1}}))
    marked = sum(half.draw(np.random.default_rng(seed)).text == "open!" for seed in range(400))
    assert 150 < marked < 250


def test_without_punctuation_the_draws_are_unchanged() -> None:
    # p = 0 draws nothing from the RNG, so recipes written before text.punctuation keep their bytes.
    plain = TextSampler(TextConfig(sources=[{"path": "english"}, {"kind": "random"}], case={"none": 1, "upper": 1}))
    unset = TextSampler(TextConfig(sources=[{"path": "english"}, {"kind": "random"}], case={"none": 1, "upper": 1},
                                   punctuation={"p": 0.0, "after": {"!": 1}}))
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    assert [plain.draw(a) for _ in range(30)] == [unset.draw(b) for _ in range(30)]
    assert a.random() == b.random()


def test_top_keeps_the_first_entries_of_a_list_ordered_by_frequency(tmp_path: Path) -> None:
    words = tmp_path / "w.txt"
    words.write_text("the\n\nof\nand\nzebra\n", encoding="utf-8")
    config = TextConfig(sources=[{"path": str(words), "top": 3, "min_length": 3}])
    assert load_words(config.sources[0], "r.yaml") == ["the", "and"]  # blank lines do not count


def test_the_bundled_common_list_is_ordered_by_frequency() -> None:
    assert word_list_path("english_common") == BUNDLED_COMMON
    common = load_words(TextConfig(sources=[{"path": "english_common", "top": 5}]).sources[0], "r.yaml")
    assert common == ["the", "to", "and", "of", "a"]
    everything = load_words(TextConfig(sources=[{"path": "english_common"}]).sources[0], "r.yaml")
    assert len(everything) == 30000 and all(w == w.lower() and w[0].isalpha() for w in everything)


def test_a_source_can_have_its_own_marks(tmp_path: Path) -> None:
    words = tmp_path / "w.txt"
    words.write_text("open\n", encoding="utf-8")
    config = TextConfig(sources=[{"path": str(words)}, {"kind": "random", "charset": "7", "min_length": 2, "max_length": 2,
                                                        "punctuation": {"p": 1, "before": {"$": 1}}}],
                        charset="open7!$", punctuation={"p": 1, "after": {"!": 1}})
    sampler = TextSampler(config)
    assert {sampler.draw(np.random.default_rng(seed)).text for seed in range(40)} == {"open!", "$77"}
