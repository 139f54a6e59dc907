"""Label integrity: is every character of the text in the frame, visible, and where is it?

The checks read the ink mask that was drawn with the text and followed it through every
geometric step (see `sample.py`), never the parameters that were chosen before: a perspective
warp, a blur or a dark photo crop only show in the final pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

INK = 0.25  # ink mask level that counts as text (anti-aliased edges below it are not)
LUMA = np.array([0.299, 0.587, 0.114], np.float32)

REASON_CUT = "cut_glyph"
REASON_CONTRAST = "low_contrast"
REASON_NO_INK = "no_ink"


def outline_points(ink: np.ndarray, level: float = INK) -> np.ndarray:
    """The convex hull of the ink, as N x 2 (x, y) pixel centres (empty when there is no ink).

    Projective and affine maps carry a convex hull onto the hull of the moved ink, so following
    these few points through the augmentations tells whether any ink left the frame.

    >>> ink = np.zeros((8, 10), np.float32); ink[2:5, 3:7] = 1.0
    >>> sorted(map(tuple, outline_points(ink).astype(int).tolist()))
    [(3, 2), (3, 4), (6, 2), (6, 4)]
    """
    found = cv2.findNonZero((ink > level).astype(np.uint8))
    if found is None:
        return np.zeros((0, 2), np.float32)
    return cv2.convexHull(found).reshape(-1, 2).astype(np.float32)


def leaves_frame(points: np.ndarray, width: int, height: int, tolerance: float = 0.5) -> bool:
    """Whether a point lies more than `tolerance` pixels outside the frame (a cut glyph).

    >>> leaves_frame(np.array([[0.0, 3.0], [9.2, 4.0]]), 10, 8)
    False
    >>> leaves_frame(np.array([[-1.5, 3.0]]), 10, 8)
    True
    """
    if len(points) == 0:
        return False
    x, y = points[:, 0], points[:, 1]
    return bool((x < -tolerance).any() or (y < -tolerance).any()
                or (x > width - 1 + tolerance).any() or (y > height - 1 + tolerance).any())


def ink_on_border(ink: np.ndarray, level: float = INK) -> bool:
    """Whether the ink touches the outermost row or column (the check for transforms that
    bend the image, where the outline points are only an approximation)."""
    text = ink > level
    return bool(text[0].any() or text[-1].any() or text[:, 0].any() or text[:, -1].any())


@dataclass
class InkRegions:
    """Where to look for the ink and for the background around it, strip by strip."""

    core: np.ndarray  # bool: pixels that count as ink
    ring: np.ndarray  # bool: background around the ink (the pixel next to it left out: blurs smear it)
    strips: list[tuple[slice, slice]]  # columns of each strip's ink, and of the background around it


def ink_regions(ink: np.ndarray) -> InkRegions:
    """The ink's core and the background ring around it, and the vertical strips, about as wide
    as the image is high, in which the two are compared."""
    height = ink.shape[0]
    touched = (ink > 0.05).astype(np.uint8)
    size = max(3, 2 * round(height / 8) + 1)
    near = cv2.dilate(touched, np.ones((size, size), np.uint8)).astype(bool)
    halo = cv2.dilate(touched, np.ones((3, 3), np.uint8)).astype(bool)
    strips = []
    columns = np.flatnonzero(touched.any(axis=0))
    if len(columns):
        start, stop = int(columns[0]), int(columns[-1]) + 1
        width = max(4, height)
        count = max(1, round((stop - start) / width))
        edges = np.linspace(start, stop, count + 1).round().astype(int)
        strips = [(slice(int(a), int(b)), slice(max(0, int(a) - width // 4), min(ink.shape[1], int(b) + width // 4)))
                  for a, b in zip(edges[:-1], edges[1:])]
    # Hairline faces at small sizes never cover half a pixel: the core is every pixel that counts
    # as text, and the contrast takes the half of it that stands out most.
    return InkRegions(ink > INK, near & ~halo, strips)


def _contrast(ink_values: np.ndarray, background: float) -> float:
    """|ink - background| where the ink's value is the mean of its half that stands out most
    (a blur or a thin stroke dilutes the other half with the background)."""
    distance = np.abs(ink_values - background)
    half = len(distance) // 2
    return float(np.partition(distance, half)[half:].mean())


def luma(image: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of an RGB image (or the image itself if it has one channel), float32."""
    if image.ndim == 2:
        return image.astype(np.float32)
    return image[:, :, :3].astype(np.float32) @ LUMA


def ink_contrast(image: np.ndarray, ink: np.ndarray | InkRegions) -> float:
    """The text's legibility: |luma of the ink - mean luma of the background around it|, taken
    in vertical strips about as wide as the image is high, and the lowest strip returned, so a
    word whose one half vanishes into a dark patch of a photo scores low (0-255).

    >>> ink = np.zeros((32, 96), np.float32); ink[8:24, 8:88] = 1.0
    >>> page = np.full((32, 96, 3), 230, np.uint8); page[ink > 0] = 30
    >>> ink_contrast(page, ink)
    200.0
    >>> page[:, 40:] = np.where(ink[:, 40:, None] > 0, 30, 40)  # the right half on a dark patch
    >>> ink_contrast(page, ink)
    10.0
    """
    regions = ink if isinstance(ink, InkRegions) else ink_regions(ink)
    core, ring = regions.core, regions.ring
    if not core.any() or not ring.any():
        return 0.0
    values = luma(image)
    lowest = None
    for inked, around in regions.strips:
        core_part, ring_part = core[:, inked], ring[:, around]
        if core_part.sum() < 4 or ring_part.sum() < 4:
            continue
        value = _contrast(values[:, inked][core_part], float(values[:, around][ring_part].mean()))
        lowest = value if lowest is None else min(lowest, value)
    if lowest is None:
        lowest = _contrast(values[core], float(values[ring].mean()))
    return round(lowest, 1)


def background_lumas(image: np.ndarray, ink: np.ndarray | InkRegions) -> list[float]:
    """Mean luma of the background around the ink, strip by strip as `ink_contrast` takes them
    (to choose a text colour that reads on every part of the background)."""
    regions = ink if isinstance(ink, InkRegions) else ink_regions(ink)
    ring = regions.ring
    values = luma(image)
    found = [float(values[:, around][ring[:, around]].mean()) for _, around in regions.strips if ring[:, around].sum() >= 4]
    if not found:
        found = [float(values[ring].mean()) if ring.any() else float(values.mean())]
    return found


def character_points(labels: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each character's ink outline from a label map (0 none, i + 1 for character i): the points
    (N x 2, x y) and, for each point, the index of its character."""
    points, owners = [], []
    for i in range(count):
        hull = outline_points((labels == i + 1).astype(np.float32), 0.5)
        points.append(hull)
        owners.append(np.full(len(hull), i, np.int32))
    if not points:
        return np.zeros((0, 2), np.float32), np.zeros(0, np.int32)
    return np.concatenate(points), np.concatenate(owners)


def character_boxes(points: np.ndarray, owners: np.ndarray, count: int, width: int, height: int) -> list[list[int] | None]:
    """One [x0, y0, x1, y1] box (pixels, x1 and y1 exclusive) per character, clipped to the frame;
    None for a character that draws no ink (a space).

    >>> character_boxes(np.array([[1.0, 2.0], [3.0, 5.0], [6.0, 2.0]]), np.array([0, 0, 2]), 3, 10, 8)
    [[1, 2, 4, 6], None, [6, 2, 7, 3]]
    """
    boxes: list[list[int] | None] = []
    for i in range(count):
        mine = points[owners == i]
        if len(mine) == 0:
            boxes.append(None)
            continue
        x0, y0 = np.floor(mine.min(axis=0)).astype(int)
        x1, y1 = np.ceil(mine.max(axis=0)).astype(int) + 1
        boxes.append([int(np.clip(x0, 0, width)), int(np.clip(y0, 0, height)),
                      int(np.clip(x1, 0, width)), int(np.clip(y1, 0, height))])
    return boxes


def move_points(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Points through a 2 x 3 affine matrix (pixel centres to pixel centres)."""
    if len(points) == 0:
        return points
    return (points @ matrix[:, :2].T + matrix[:, 2]).astype(np.float32)


def resize_matrix(source: tuple[int, int], target: tuple[int, int]) -> np.ndarray:
    """The 2 x 3 map of pixel centres when an image of (w, h) `source` is resized to `target`,
    as cv2.resize does: x' = (x + 0.5) * sx - 0.5."""
    sx, sy = target[0] / source[0], target[1] / source[1]
    return np.array([[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5]], np.float64)


def then(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The 2 x 3 affine map that applies `first`, then `second`."""
    a = np.vstack([first, [0.0, 0.0, 1.0]])
    b = np.vstack([second, [0.0, 0.0, 1.0]])
    return (b @ a)[:2]
