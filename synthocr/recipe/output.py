"""The recipe's sections for what is written: `mix` (MJSynth and real images), `splits`, `output`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from synthocr.recipe.base import Strict


class MjsynthMix(Strict):
    """`mix.mjsynth`: a share of each split taken from an MJSynth copy."""

    path: str = Field(description="the 90kDICT32px folder or any folder above it")
    fraction: float = Field(0.5, ge=0, lt=1, description="share of each split taken from MJSynth")
    splits: dict[str, Literal["train", "val", "test"]] = Field(
        default_factory=lambda: {"train": "train", "val": "val", "test": "test"},
        description="our split -> the MJSynth split that feeds it",
    )


class RealMix(Strict):
    """`mix.real[i]`: a share of some splits taken from a labels.tsv of real images."""

    path: str = Field(description="a labels.tsv file")
    name: str | None = Field(None, description="source name (real:NAME); default: the folder's name")
    fraction: float = Field(0.1, ge=0, lt=1)
    splits: list[Literal["train", "val", "test"]] = Field(default_factory=lambda: ["test"])


class MixConfig(Strict):
    """`mix`: the existing images mixed into the synthetic ones."""

    mjsynth: MjsynthMix | None = None
    real: list[RealMix] = Field(default_factory=list)


class SplitsConfig(Strict):
    """`splits`: samples per split."""

    train: int = Field(10000, ge=0)
    val: int = Field(1000, ge=0)
    test: int = Field(1000, ge=0)


class OutputConfig(Strict):
    """`output`: shard size, PNG compression and whether character boxes are recorded."""

    shard_size: int = Field(1000, ge=1, description="samples per shard")
    png_compression: int = Field(1, ge=0, le=9)
    char_boxes: bool = Field(False, description="each character's box in the final image, in the sample's meta")
