"""Charset: ids 1..N, blank 0, round trips, CTC frame needs (no TensorFlow)."""

from __future__ import annotations

import pytest

from synthocr.errors import UserError
from synthocr.training.charset import Charset, ctc_min_steps


@pytest.mark.parametrize("text", ["", "a", "hello", "0123456789", "Zebra-9"])
def test_encode_decode_round_trip(text: str) -> None:
    charset = Charset("-0123456789abcdefghijklmnopqrstuvwxyzZ")
    ids = charset.encode(text)
    assert all(1 <= i <= len(charset) for i in ids)
    assert charset.decode(ids) == text


def test_blank_and_out_of_range_ids_are_dropped() -> None:
    charset = Charset("ab")
    assert charset.decode([0, 1, 0, -1, 2, 3, 0]) == "ab"
    assert charset.num_classes == 3


def test_unknown_character_is_named() -> None:
    with pytest.raises(ValueError, match="'!'"):
        Charset("ab").encode("a!")
    assert Charset("abc").missing(["abz", "éa"]) == "zé"


def test_repeated_or_empty_charset_is_a_user_error() -> None:
    with pytest.raises(UserError, match="repeated characters: 'a'"):
        Charset("aba")
    with pytest.raises(UserError, match="empty"):
        Charset("")


@pytest.mark.parametrize(("text", "frames"), [("", 0), ("ab", 2), ("aa", 3), ("hello", 6), ("aaa", 5), ("abab", 4)])
def test_ctc_min_steps_counts_a_blank_between_repeats(text: str, frames: int) -> None:
    assert ctc_min_steps(text) == frames


def test_save_and_load(tmp_path) -> None:
    Charset("xyz€").save(tmp_path)
    assert Charset.load(tmp_path) == Charset("xyz€")
    with pytest.raises(UserError, match="no charset file"):
        Charset.load(tmp_path / "elsewhere")
