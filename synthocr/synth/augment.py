"""Augmentation: the recipe's albumentations pipeline (its own serialised form), seeded per sample.

The text's ink mask and its outline points go through the same transforms as the image (the
geometric ones move them, the pixel-level ones leave them), so the checks after augmentation see
where the ink ended up: inside the frame or not, and against which background.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Augmented:
    image: np.ndarray
    mask: np.ndarray | None = None
    points: np.ndarray | None = None  # N x 2 (x, y), pixel centres; points outside the frame are kept
    applied: list[str] = field(default_factory=list)


class Augmenter:
    """Wraps `A.from_dict(recipe.augment)`; `apply` is deterministic in its seed."""

    def __init__(self, serialised: dict[str, Any] | None):
        self._compose = None
        self.moves_points = False
        if serialised:
            import albumentations as A

            compose = A.from_dict(serialised)
            if not isinstance(compose, A.Compose):
                compose = A.Compose([compose])
            members = [m for t in compose.transforms for m in _walk(t)]
            # Points only go through a pipeline that can move them (a geometric transform).
            self.moves_points = any(isinstance(m, A.DualTransform) for m in members)
            params = A.KeypointParams(format="xy", remove_invisible=False) if self.moves_points else None
            self._compose = A.Compose(list(compose.transforms), p=compose.p, save_applied_params=True,
                                      keypoint_params=params)
            self._members = _walk(self._compose)

    def apply(self, image: np.ndarray, seed: int, mask: np.ndarray | None = None,
              points: np.ndarray | None = None) -> Augmented:
        """The augmented image, mask and points, and the names of the transforms applied, in order."""
        if self._compose is None:
            return Augmented(image, mask, points)
        # One numpy and one Python generator per sample, shared by every transform in order.
        # (albumentations' own set_random_seed builds two per transform with the same seed,
        # which costs ~0.25 ms a sample and gives the transforms correlated draws.)
        numpy_rng = np.random.default_rng(seed)
        python_rng = random.Random(seed)
        for member in self._members:
            member.random_generator = numpy_rng
            member.py_random = python_rng
        targets: dict[str, Any] = {"image": image}
        if mask is not None:
            targets["mask"] = mask
        if self.moves_points:
            targets["keypoints"] = points if points is not None and len(points) else np.zeros((0, 2), np.float32)
        result = self._compose(**targets)
        applied = [name for name, _ in result.get("applied_transforms", [])]
        moved = points
        if self.moves_points and points is not None:
            moved = np.asarray(result["keypoints"], np.float32)[:, :2] if len(points) else points
        return Augmented(result["image"], result.get("mask") if mask is not None else None, moved, applied)


def _walk(transform: Any) -> list[Any]:
    """The transform and every transform nested in it (OneOf, SomeOf, Sequential...)."""
    members = [transform]
    for child in getattr(transform, "transforms", []) or []:
        members.extend(_walk(child))
    return members
