"""Augmentation: seeded, geometric transforms move the ink mask and points, pixel-only ones do not."""

from __future__ import annotations

from typing import Any

import numpy as np

from synthocr.synth.augment import Augmenter


def _pipeline(*transforms: dict[str, Any]) -> dict[str, Any]:
    return {"__version__": "2.0.8", "transform": {"__class_fullname__": "Compose", "p": 1.0, "transforms": list(transforms)}}


def _page() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    image = np.full((20, 40, 3), 255, np.uint8)
    mask = np.zeros((20, 40), np.float32)
    mask[5:15, 2:10] = 1.0
    image[mask > 0] = 0
    points = np.array([[2.0, 5.0], [9.0, 14.0]], np.float32)
    return image, mask, points


def test_no_pipeline_hands_everything_back() -> None:
    image, mask, points = _page()
    out = Augmenter(None).apply(image, 0, mask=mask, points=points)
    assert out.image is image and out.mask is mask and out.points is points and out.applied == []


def test_a_flip_moves_the_points_and_the_mask_with_the_image() -> None:
    image, mask, points = _page()
    augmenter = Augmenter(_pipeline({"__class_fullname__": "HorizontalFlip", "p": 1.0}))
    assert augmenter.moves_points
    out = augmenter.apply(image, 3, mask=mask, points=points)
    assert out.applied == ["HorizontalFlip"]
    assert np.array_equal(out.image, image[:, ::-1]) and np.array_equal(out.mask, mask[:, ::-1])
    assert np.allclose(out.points, [[37.0, 5.0], [30.0, 14.0]])


def test_an_affine_shift_moves_the_points_by_the_shift() -> None:
    image, mask, points = _page()
    shift = {"__class_fullname__": "Affine", "p": 1.0, "translate_px": {"x": [5, 5], "y": [2, 2]}, "fill": 255}
    out = Augmenter(_pipeline(shift)).apply(image, 0, mask=mask, points=points)
    assert np.allclose(out.points, points + [5.0, 2.0], atol=0.01)
    assert out.mask[7:17, 7:15].min() > 0.99 and out.mask[:, :7].max() == 0


def test_a_pixel_only_transform_leaves_points_and_mask_alone_and_is_seeded() -> None:
    image, mask, points = _page()
    noise = {"__class_fullname__": "GaussNoise", "p": 1.0, "std_range": [0.1, 0.2]}
    augmenter = Augmenter(_pipeline(noise))
    assert not augmenter.moves_points
    out = augmenter.apply(image, 7, mask=mask, points=points)
    assert out.points is points and np.array_equal(out.mask, mask)
    assert not np.array_equal(out.image, image)
    assert np.array_equal(out.image, augmenter.apply(image, 7, mask=mask, points=points).image)
    assert not np.array_equal(out.image, augmenter.apply(image, 8, mask=mask, points=points).image)
