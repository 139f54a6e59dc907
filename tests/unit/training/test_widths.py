"""Reading at several widths: the list a user gives, the views of one image, the most confident reading."""

from __future__ import annotations

import io
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from synthocr.errors import UserError
from synthocr.training.charset import Charset
from synthocr.training.pipeline import ImageSpec, preprocess_image
from synthocr.training.widths import check_widths, parse_widths, preprocess_at_widths, read_views


@pytest.mark.parametrize(("text", "message"), [
    ("0.8,x", "--widths '0.8,x': expected width factors separated by commas, e.g. 0.8,0.9,1,1.15,1.3"),
    ("1,5", "--widths '1,5': width factor 5 is outside 0.25-4"),
    ("1,1.0", "--widths '1,1.0': a width factor is given twice"),
    ("", "--widths '': expected width factors separated by commas, e.g. 0.8,0.9,1,1.15,1.3"),
])
def test_a_bad_list_is_one_named_line(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_widths(text)
    assert str(caught.value) == message


def test_a_stretching_model_is_refused_and_one_width_always_passes() -> None:
    check_widths((1.0,), "stretch", "m.keras")
    check_widths((0.8, 1.0), "pad", "m.keras")
    with pytest.raises(UserError) as caught:
        check_widths((0.8, 1.0), "stretch", "m.keras")
    assert caught.value.spelled({"widths": "--widths"}).startswith("m.keras: --widths 0.8,1 need a model trained with resize: pad")


def test_the_views_are_the_image_at_each_width_and_the_first_as_trained() -> None:
    array = np.full((32, 40), 255, np.uint8)
    array[:, :20] = 0
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    encoded = tf.constant(buffer.getvalue())
    views = preprocess_at_widths(encoded, ImageSpec(), (1.0, 1.5, 0.5))[0].numpy()
    assert views.shape == (3, 32, 128, 1)
    np.testing.assert_array_equal(views[0], preprocess_image(encoded, ImageSpec()).numpy())
    assert [int((v[16, :, 0] < 0.5).sum()) for v in views] == [20, 30, 10]


class _Fake:
    """Reads each image as the number of its dark columns, more confidently the more there are."""

    charset = Charset("0123456789")

    def logits(self, images) -> np.ndarray:
        dark = (np.asarray(images)[:, 16, :, 0] < 0.5).sum(axis=1)
        out = np.zeros((len(dark), 8, self.charset.num_classes), np.float32)
        for i, d in enumerate(dark):
            classes = [0] * 8  # blank frames around the digits, one frame each
            classes[1 : 2 * len(str(d)) : 2] = self.charset.encode(str(int(d)))
            out[i, np.arange(8), classes] = 1.0 + d / 10.0  # surer with more dark columns
        return out


def test_each_image_keeps_its_most_confident_reading_and_names_its_view() -> None:
    images = np.ones((2, 3, 32, 128, 1), np.float32)
    for i, widths in enumerate([(10, 30, 20), (50, 5, 7)]):
        for j, dark in enumerate(widths):
            images[i, j, :, :dark] = 0.0
    words, views = read_views(_Fake(), images)
    assert [w.text for w in words] == ["30", "50"] and views == [1, 0]
    words, views = read_views(_Fake(), images[:, 1])  # one view: read as it is
    assert [w.text for w in words] == ["30", "5"] and views == [0, 0]
