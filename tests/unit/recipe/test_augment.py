"""The recipe's augmentation check: transforms that would reshape the images are refused by name."""

from __future__ import annotations

from typing import Any

import pytest

from synthocr.errors import UserError
from synthocr.recipe import recipe_from_dict

TEXT = {"sources": [{"path": "english"}]}


def _with(*transforms: dict[str, Any], allowed: list[str] | None = None) -> dict[str, Any]:
    augment = {"__version__": "2.0.8", "transform": {"__class_fullname__": "Compose", "p": 1.0, "transforms": list(transforms)}}
    return {"text": TEXT, "augment": augment, "augment_may_reshape": allowed or []}


def test_a_resize_is_refused_unless_allowed() -> None:
    resize = {"__class_fullname__": "Resize", "height": 16, "width": 64, "p": 1.0}
    with pytest.raises(UserError, match="r.yaml: augment: Resize changes the image's size"):
        recipe_from_dict(_with(resize), source="r.yaml")
    assert recipe_from_dict(_with(resize, allowed=["Resize"])).augment_may_reshape == ["Resize"]


def test_options_that_reshape_are_named() -> None:
    grey = {"__class_fullname__": "ToGray", "num_output_channels": 1, "p": 1.0}
    with pytest.raises(UserError, match=r"ToGray \(num_output_channels=1\)"):
        recipe_from_dict(_with(grey))
    nested = {"__class_fullname__": "OneOf", "p": 1.0, "transforms": [
        {"__class_fullname__": "Perspective", "fit_output": True, "keep_size": False, "p": 1.0}]}
    with pytest.raises(UserError, match=r"Perspective \(fit_output=true\)"):
        recipe_from_dict(_with(nested))


def test_a_pipeline_that_keeps_the_shape_passes() -> None:
    blur = {"__class_fullname__": "GaussianBlur", "p": 0.5}
    assert recipe_from_dict(_with(blur)).augment is not None
