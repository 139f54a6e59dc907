"""Augmentation: the recipe's albumentations pipeline (its own serialised form), seeded per sample."""

from __future__ import annotations

import random
from typing import Any

import numpy as np


class Augmenter:
    """Wraps `A.from_dict(recipe.augment)`; `apply` is deterministic in its seed."""

    def __init__(self, serialised: dict[str, Any] | None):
        self._compose = None
        if serialised:
            import albumentations as A

            compose = A.from_dict(serialised)
            if not isinstance(compose, A.Compose):
                compose = A.Compose([compose])
            self._compose = A.Compose(list(compose.transforms), p=compose.p, save_applied_params=True)
            self._members = _walk(self._compose)

    @property
    def enabled(self) -> bool:
        return self._compose is not None

    def apply(self, image: np.ndarray, seed: int) -> tuple[np.ndarray, list[str]]:
        """(augmented image, names of the transforms applied, in order)."""
        if self._compose is None:
            return image, []
        # One numpy and one Python generator per sample, shared by every transform in order.
        # (albumentations' own set_random_seed builds two per transform with the same seed,
        # which costs ~0.25 ms a sample and gives the transforms correlated draws.)
        numpy_rng = np.random.default_rng(seed)
        python_rng = random.Random(seed)
        for member in self._members:
            member.random_generator = numpy_rng
            member.py_random = python_rng
        result = self._compose(image=image)
        applied = [name for name, _ in result.get("applied_transforms", [])]
        return result["image"], applied


def _walk(transform: Any) -> list[Any]:
    """The transform and every transform nested in it (OneOf, SomeOf, Sequential...)."""
    members = [transform]
    for child in getattr(transform, "transforms", []) or []:
        members.extend(_walk(child))
    return members
