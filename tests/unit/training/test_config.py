"""TrainConfig: defaults, the model's geometry checks, overrides that fail as one named line."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from synthocr.errors import UserError
from synthocr.training.config import TrainConfig


def test_defaults_give_31_frames_of_the_seed_crnn() -> None:
    config = TrainConfig()
    assert (config.model, config.height, config.width, config.time_steps) == ("crnn", 32, 128, 31)


@pytest.mark.parametrize(("values", "message"), [
    ({"width": 130}, "width 130 must be a multiple of 4 (the CRNN pools the width by 4)"),
    ({"height": 40}, "height 40 must be a multiple of 16 (the CRNN pools the height by 16)"),
])
def test_sizes_the_crnn_cannot_take_are_refused(values: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        TrainConfig(**values)


def test_an_unknown_model_reads_as_a_choice_between_the_registered_ones() -> None:
    with pytest.raises(UserError) as caught:
        TrainConfig().with_overrides(model="resnet")
    assert str(caught.value) == "command line: model: Input should be 'crnn' or 'crnn-small' (got 'resnet')"


def test_overrides_apply_only_the_given_values() -> None:
    config = TrainConfig(epochs=4).with_overrides(batch_size=16, precision=None)
    assert (config.epochs, config.batch_size, config.precision) == (4, 16, "auto")


def test_an_unknown_resize_mode_is_one_named_line() -> None:
    assert TrainConfig(resize="stretch").resize == "stretch"
    with pytest.raises(UserError) as caught:
        TrainConfig().with_overrides(resize="squash")
    assert str(caught.value) == "command line: resize: Input should be 'pad' or 'stretch' (got 'squash')"


def test_width_jitter_is_a_range_around_the_width_and_needs_the_pad_mode() -> None:
    assert TrainConfig().width_jitter is None
    assert TrainConfig(width_jitter=[0.8, 1.25]).width_jitter == (0.8, 1.25)
    with pytest.raises(UserError) as caught:
        TrainConfig().with_overrides(where="r.yaml: train", width_jitter=[1.5, 0.8])
    assert str(caught.value) == ("r.yaml: train: width_jitter: Value error, width_jitter should be [low, high] "
                                 "with 0.25 <= low <= high <= 4 (got [1.5, 0.8])")
    with pytest.raises(UserError, match=r"^command line: train: Value error, width_jitter works on the padded width"):
        TrainConfig().with_overrides(width_jitter=(0.8, 1.2), resize="stretch")
