"""Label integrity checks: the frame, the contrast strips, character boxes, point maps."""

from __future__ import annotations

import cv2
import numpy as np

from synthocr.synth import integrity


def test_the_resize_map_follows_cv2_resize() -> None:
    image = np.zeros((10, 20), np.float32)
    image[4, 6] = 1.0
    resized = cv2.resize(image, (40, 20), interpolation=cv2.INTER_LINEAR)
    moved = integrity.move_points(np.array([[6.0, 4.0]], np.float32), integrity.resize_matrix((20, 10), (40, 20)))
    y, x = np.unravel_index(np.argmax(resized), resized.shape)
    assert abs(moved[0, 0] - x) <= 0.5 and abs(moved[0, 1] - y) <= 0.5


def test_then_applies_the_first_map_first() -> None:
    scale = np.array([[2.0, 0, 0], [0, 2.0, 0]])
    shift = np.array([[1.0, 0, 3.0], [0, 1.0, 0]])
    assert np.allclose(integrity.then(scale, shift) @ [1.0, 1.0, 1.0], [5.0, 2.0])


def test_ink_on_the_border_and_no_ink() -> None:
    ink = np.zeros((8, 8), np.float32)
    assert not integrity.ink_on_border(ink) and len(integrity.outline_points(ink)) == 0
    ink[0, 4] = 1.0
    assert integrity.ink_on_border(ink)


def test_background_lumas_are_taken_strip_by_strip() -> None:
    ink = np.zeros((16, 96), np.float32)
    ink[4:12, 4:92] = 1.0
    page = np.full((16, 96, 3), 200, np.uint8)
    page[:, 48:] = 60
    lumas = integrity.background_lumas(page, ink)
    assert len(lumas) > 2 and max(lumas) > 190 and min(lumas) < 70


def test_character_points_and_boxes_from_a_label_map() -> None:
    labels = np.zeros((10, 12), np.uint8)
    labels[2:6, 1:4] = 1
    labels[3:8, 7:11] = 3
    points, owners = integrity.character_points(labels, 3)
    boxes = integrity.character_boxes(points, owners, 3, 12, 10)
    assert boxes == [[1, 2, 4, 6], None, [7, 3, 11, 8]]
