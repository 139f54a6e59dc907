"""Augmentation: the recipe's albumentations pipeline (its own serialised form), seeded per sample."""

from __future__ import annotations

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

    @property
    def enabled(self) -> bool:
        return self._compose is not None

    def apply(self, image: np.ndarray, seed: int) -> tuple[np.ndarray, list[str]]:
        """(augmented image, names of the transforms applied, in order)."""
        if self._compose is None:
            return image, []
        self._compose.set_random_seed(seed % (2**32))
        result = self._compose(image=image)
        applied = [name for name, _ in result.get("applied_transforms", [])]
        return result["image"], applied
