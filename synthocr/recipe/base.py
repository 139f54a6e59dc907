"""The recipe schema's common ground: sections are strict (unknown keys rejected) and frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A recipe section: unknown keys are errors, values never change after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def ordered(value: tuple[int, int]) -> tuple[int, int]:
    """A (low, high) range, refused when low is above high.

    >>> ordered((1, 3))
    (1, 3)
    """
    if value[0] > value[1]:
        raise ValueError(f"low {value[0]} is above high {value[1]}")
    return value
