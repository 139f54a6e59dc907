"""CTC conventions: padded-batch loss, decoders, confidence, label encoding in the graph (scoring: tests/unit/test_metrics.py)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest

from synthocr.training.charset import Charset
from synthocr.training.decode import beam_decode, collapse, greedy_decode


def test_padded_batch_loss_is_the_sum_of_per_sample_losses() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(3, 12, 6)).astype("float32")
    labels = np.array([[1, 2, 3, 0, 0], [4, 4, 0, 0, 0], [5, 1, 2, 3, 4]], dtype="int32")
    ctc = keras.losses.CTC(reduction="sum")
    batch = float(ctc(labels, logits))
    singles = []
    for i, length in enumerate([3, 2, 5]):
        singles.append(float(ctc(labels[i : i + 1, :length], logits[i : i + 1])))
    assert batch == pytest.approx(sum(singles), rel=1e-5)
    assert all(s > 0 for s in singles)


def test_ctc_loss_of_a_certain_path_is_near_zero() -> None:
    frames = [1, 0, 2, 2, 0, 2, 0, 0]  # 'a', 'b', 'b'
    logits = np.full((1, len(frames), 3), -20.0, dtype="float32")
    logits[0, np.arange(len(frames)), frames] = 20.0
    loss = float(keras.losses.CTC(reduction=None)(np.array([[1, 2, 2, 0]], "int32"), logits)[0])
    assert loss < 1e-3


def _one_hot_logits(frames: list[int], classes: int, p: float = 0.9) -> np.ndarray:
    probs = np.full((len(frames), classes), (1 - p) / (classes - 1))
    probs[np.arange(len(frames)), frames] = p
    return np.log(probs)[None].astype("float32")


def test_greedy_decode_merges_repeats_then_drops_blanks() -> None:
    charset = Charset("abc")
    decoded = greedy_decode(_one_hot_logits([1, 1, 0, 1, 2, 0, 3, 3], 4), charset)[0]
    assert decoded.text == "aabc"
    assert decoded.confidence == pytest.approx(0.9**8, rel=1e-6)
    assert collapse(np.array([0, 0, 0])) == []


def test_beam_decode_agrees_with_greedy_on_a_clear_path() -> None:
    charset = Charset("abc")
    logits = _one_hot_logits([3, 0, 1, 1, 0, 2], 4, p=0.97)
    beam = beam_decode(logits, charset, beam_width=8)[0]
    greedy = greedy_decode(logits, charset)[0]
    assert beam.text == greedy.text == "cab"
    # The beam sums every alignment of the word, so it is at least the best path's probability.
    assert greedy.confidence <= beam.confidence <= 1.0

