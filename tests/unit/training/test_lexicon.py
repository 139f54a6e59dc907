"""Reading with a lexicon: CTC likelihoods, which readings give way to a lexicon word, loading word lists."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from synthocr.errors import UserError
from synthocr.training.charset import Charset
from synthocr.training.decode import Decoded, greedy_decode
from synthocr.training.lexicon import Lexicon, ctc_log_likelihoods, load_lexicon

CHARSET = Charset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!")
WORDS = frozenset({"hello", "help", "world", "to", "cottage"})


def _brute_force(probs: np.ndarray, label: list[int]) -> float:
    """P(label) as the sum over every frame path that collapses to it."""
    total = 0.0
    for path in itertools.product(range(probs.shape[1]), repeat=probs.shape[0]):
        collapsed = [c for i, c in enumerate(path) if c != 0 and (i == 0 or c != path[i - 1])]
        if collapsed == label:
            total += float(np.prod([probs[t, c] for t, c in enumerate(path)]))
    return total


def test_the_likelihood_of_a_label_sums_every_alignment() -> None:
    probs = np.random.default_rng(3).dirichlet(np.ones(3), size=5)  # 5 frames, blank and two letters
    labels = [[1], [1, 2], [2, 2], [1, 2, 1], [], [1, 1, 1]]
    got = np.exp(ctc_log_likelihoods(np.log(probs), labels))
    np.testing.assert_allclose(got, [_brute_force(probs, label) for label in labels], rtol=1e-9, atol=1e-15)
    assert ctc_log_likelihoods(np.log(probs[:2]), [[1, 1]])[0] == -np.inf  # 'aa' needs a blank between: 3 frames


def _frames(*columns: dict[str, float]) -> np.ndarray:
    """Logits of a word read a character a frame, a blank frame after each: every column gives the
    probability of each character named (the rest to the blank)."""
    rows = []
    for column in columns:
        probs = np.full(CHARSET.num_classes, 1e-6)
        for character, p in column.items():
            probs[CHARSET.encode(character)[0]] = p
        probs[0] = max(1.0 - sum(column.values()), 1e-6)
        rows.append(probs)
        rows.append(np.eye(CHARSET.num_classes)[0] * 0.999 + 1e-6)
    return np.log(np.array(rows) / np.array(rows).sum(axis=1, keepdims=True))


def _read(lexicon: Lexicon, logits: np.ndarray) -> Decoded:
    """The image's greedy reading (in the lexicon's charset), then the lexicon's correction of it."""
    (reading,) = greedy_decode(logits[None], lexicon.charset)
    return lexicon.correct(logits[None], [reading])[0]


def _word(text: str, doubt: dict[int, dict[str, float]] | None = None) -> np.ndarray:
    doubt = doubt or {}
    return _frames(*[doubt.get(i, {c: 0.97}) for i, c in enumerate(text)])


def test_a_misread_letter_gives_way_to_the_lexicon_word_the_frames_allow() -> None:
    lexicon = Lexicon(WORDS, CHARSET)
    read = _read(lexicon, _word("hcllo", {1: {"c": 0.6, "e": 0.35}}))
    assert (read.text, read.raw) == ("hello", "hcllo")
    assert read.confidence == pytest.approx(0.35 * 0.97**4, rel=0.05)  # the word's probability, all its paths
    assert _read(lexicon, _word("HCLLO", {1: {"C": 0.6, "E": 0.35}})).text == "HELLO"  # the reading's case
    assert _read(lexicon, _word("Hcllo!", {1: {"c": 0.6, "e": 0.35}})).text == "Hello!"  # its marks
    assert _read(lexicon, _word("t0", {1: {"0": 0.6, "o": 0.35}})).text == "to"  # a digit read into a word


def test_readings_the_lexicon_cannot_improve_are_kept() -> None:
    lexicon = Lexicon(WORDS, CHARSET)
    for text in ("hello", "x", "2026", "zzzzzzz"):  # a word already, one character, no letter, 3+ edits away
        read = _read(lexicon, _word(text))
        assert (read.text, read.raw) == (text, None), text
    sure = _word("hcllo", {1: {"c": 0.97, "e": 0.0001}})  # no doubt about the c: a name, kept...
    assert _read(lexicon, sure).text == "hcllo"
    assert _read(Lexicon(WORDS, CHARSET, weight=20.0), sure).text == "hello"  # ...unless the weight snaps to words


def test_both_cases_of_a_letter_count_for_it() -> None:
    # The c is likelier than either e, not than the two together: no weight needed.
    doubt = {1: {"c": 0.4, "e": 0.3, "E": 0.29}}
    assert _read(Lexicon(WORDS, CHARSET, weight=0.0), _word("hcllo", doubt)).text == "hello"
    assert _read(Lexicon(WORDS, CHARSET, weight=0.0), _word("hcllo", {1: {"c": 0.4, "e": 0.3}})).text == "hcllo"


def test_a_word_takes_a_case_the_charset_has() -> None:
    # Title case would begin 'jello' with a J this charset lacks: it stays lower case.
    charset = Charset("abcdefghijklmnopqrstuvwxyzH")
    logits = np.log(np.full((10, charset.num_classes), 1e-6))
    for t, character in enumerate("Hello"):
        logits[2 * t, charset.encode(character)[0]] = np.log(0.97)
        logits[2 * t + 1, 0] = 0.0
    logits[0, charset.encode("H")[0]], logits[0, charset.encode("j")[0]] = np.log(0.6), np.log(0.35)
    assert greedy_decode(logits[None], charset)[0].text == "Hello"
    assert _read(Lexicon(frozenset({"jello"}), charset), logits).text == "jello"


def test_word_lists_load_in_lower_case_and_bad_ones_are_named(tmp_path: Path) -> None:
    words = tmp_path / "shops.txt"
    words.write_text("Tesco\n\nALDI\ncafé\n", encoding="utf-8")
    lexicon = load_lexicon([str(words)], CHARSET)
    assert lexicon.words == {"tesco", "aldi"}  # 'café' has a letter the model cannot write
    assert "the" in load_lexicon(["english_common"], CHARSET).words
    with pytest.raises(UserError) as missing:
        load_lexicon([str(tmp_path / "none.txt")], CHARSET)
    assert str(missing.value) == f"--lexicon {tmp_path / 'none.txt'}: word list not found: {tmp_path / 'none.txt'}"
    unusable = tmp_path / "accents.txt"
    unusable.write_text("café\nnaïve\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"^--lexicon .*accents.txt: no entry of .*accents.txt can be written with the model's charset$"):
        load_lexicon([str(unusable)], CHARSET)


def test_the_command_line_help_names_the_default_weight() -> None:
    from synthocr.cli.train_cmd import LEXICON_WEIGHT_HELP
    from synthocr.training.lexicon import DEFAULT_WEIGHT

    assert LEXICON_WEIGHT_HELP.endswith(f"default {DEFAULT_WEIGHT:g} nats")


def test_a_capital_whose_lower_case_is_two_characters_is_its_own_class(tmp_path: Path) -> None:
    charset = Charset("abcİ")  # 'İ'.lower() is 'i' and a combining dot: 'İ' stays a class of its own
    logits = np.log(np.full((6, charset.num_classes), 1e-6))
    for t, (character, p) in enumerate(zip("İbc", (0.6, 0.97, 0.97))):
        logits[2 * t, charset.encode(character)[0]] = np.log(p)
        logits[2 * t + 1, 0] = 0.0
    logits[0, charset.encode("a")[0]] = np.log(0.35)
    words = tmp_path / "words.txt"
    words.write_text("ABC\nİİ\n", encoding="utf-8")
    lexicon = load_lexicon([str(words)], charset)
    assert lexicon.words == {"abc", "İİ"}
    assert _read(lexicon, logits).text == "abc"  # title case would need an 'A' the charset lacks
