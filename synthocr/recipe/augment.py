"""The recipe's `augment` section checked: a valid albumentations pipeline that keeps the image's
size, channels and dtype (unless the recipe allows a transform in `augment_may_reshape`)."""

from __future__ import annotations

from typing import Any

from synthocr.errors import UserError
from synthocr.recipe.model import Recipe

# Transforms whose output differs from their input in size, channels or dtype: the images would
# no longer match `dataset_info` (height) or PNG encoding (uint8, 3 channels). Refused by name
# unless the recipe lists them in `augment_may_reshape`.
RESHAPING_TRANSFORMS = frozenset({
    "Resize", "LongestMaxSize", "SmallestMaxSize", "RandomScale", "Crop", "CenterCrop", "RandomCrop",
    "RandomSizedCrop", "RandomResizedCrop", "RandomCropNearBBox", "RandomSizedBBoxSafeCrop", "BBoxSafeRandomCrop",
    "AtLeastOneBBoxRandomCrop", "CropAndPad", "CropNonEmptyMaskIfExists", "RandomCropFromBorders", "PadIfNeeded",
    "Pad", "Transpose", "RandomRotate90", "D4", "SquareSymmetry", "Normalize", "ToFloat", "FromFloat", "ToTensorV2",
})


def _reshaping(transform: dict[str, Any]) -> str | None:
    """Why a serialised transform changes the image's size, channels or dtype, or None."""
    name = str(transform.get("__class_fullname__", "")).rsplit(".", 1)[-1]
    if name in RESHAPING_TRANSFORMS:
        return name
    if name == "ToGray" and transform.get("num_output_channels", 3) != 3:
        return f"{name} (num_output_channels={transform['num_output_channels']})"
    if transform.get("fit_output") and not transform.get("keep_size", False):  # Perspective's keep_size scales back
        return f"{name} (fit_output=true)"
    if transform.get("crop_border"):
        return f"{name} (crop_border=true)"
    return None


def _walk_serialised(transform: Any) -> list[dict[str, Any]]:
    """A serialised transform and every one nested in it (OneOf, SomeOf, Sequential...)."""
    if not isinstance(transform, dict):
        return []
    found = [transform]
    for child in transform.get("transforms") or []:
        found.extend(_walk_serialised(child))
    return found


def check_augment(recipe: Recipe) -> None:
    """Raises a UserError naming the first transform the dataset's images could not survive."""
    if recipe.augment is None:
        return
    import albumentations as A

    try:
        A.from_dict(recipe.augment)
    except Exception as err:  # albumentations raises many types for a bad serialised pipeline
        raise UserError(f"{recipe.source}: augment: not a valid albumentations pipeline ({err})") from None
    for transform in _walk_serialised(recipe.augment.get("transform", recipe.augment)):
        why = _reshaping(transform)
        if why is not None and why.split(" ")[0] not in recipe.augment_may_reshape:
            raise UserError(
                f"{recipe.source}: augment: {why} changes the image's size, channels or dtype, which the "
                f"dataset's height ({recipe.geometry.height}) and PNG encoding would no longer match; remove it, "
                f"or list it in augment_may_reshape if that is what you want"
            )
