"""The recipe's sections for how a word looks: `fonts`, `colors`, `geometry`, `backgrounds`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from synthocr.recipe.base import Strict, ordered

MAX_FONT_SIZE = 512

FontSize = Annotated[int, Field(ge=1, le=MAX_FONT_SIZE)]
Spacing = Annotated[int, Field(ge=0, le=256)]
Margin = Annotated[int, Field(ge=0, le=128)]
Stretch = Annotated[float, Field(ge=0.25, le=4.0)]


class FontsConfig(Strict):
    """`fonts`: font folders, weights by font or category, exclusions and the render size."""

    dirs: list[str] = Field(default_factory=lambda: ["../fonts"], description="font directories")
    trdg_latin: bool = Field(False, description="also use the Latin fonts bundled with trdg")
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="sampling weight per font id or per category ('category:script'); default 1",
    )
    exclude: list[str] = Field(default_factory=list, description="font ids never used")
    size: tuple[FontSize, FontSize] = Field(
        (24, 32), description=f"font size range for rendering, before scaling to the output height (1-{MAX_FONT_SIZE})"
    )

    _size_ordered = field_validator("size")(classmethod(lambda cls, value: ordered(value)))

    @field_validator("weights")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for key, weight in value.items():
            if weight < 0:
                raise ValueError(f"weight of {key!r} is negative: {weight}")
        return value


class ColorChoice(Strict):
    """A colour '#rrggbb' or a range '#rrggbb-#rrggbb' (each channel uniform), with a weight."""

    color: str
    weight: float = Field(1.0, ge=0)

    @field_validator("color")
    @classmethod
    def _hex(cls, value: str) -> str:
        parts = value.split("-")
        if len(parts) > 2 or not all(_is_hex(p) for p in parts):
            raise ValueError(f"expected '#rrggbb' or '#rrggbb-#rrggbb', got {value!r}")
        return value


def _is_hex(text: str) -> bool:
    return len(text) == 7 and text[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in text[1:])


def _some_weight(choices: list[ColorChoice]) -> list[ColorChoice]:
    if not any(choice.weight > 0 for choice in choices):
        raise ValueError("every colour has weight 0")
    return choices


ShadowOffset = Annotated[int, Field(ge=1, le=8)]


class ShadowConfig(Strict):
    """`colors.shadow`: a share of words with a drop shadow or a solid extrusion behind the letters,
    as painted and 3-D sign lettering has. Not part of the text's ink: the checks are about the letters."""

    p: float = Field(0.0, ge=0, le=1, description="share of samples with a shadow")
    offset: tuple[ShadowOffset, ShadowOffset] = Field((1, 3), description="range of its offset in pixels, at output size")
    extrude: float = Field(0.5, ge=0, le=1, description="share of the shadows drawn solid along the offset (an extrusion) "
                                                       "rather than as one copy at its end")
    colors: list[ColorChoice] = Field(default_factory=lambda: [ColorChoice(color="#000000-#404040")], min_length=1,
                                      description="its colour; one too close to the letters' is replaced by black or white")

    _offset_ordered = field_validator("offset")(classmethod(lambda cls, value: ordered(value)))
    _colours_weighted = field_validator("colors")(classmethod(lambda cls, value: _some_weight(value)))


class ColorsConfig(Strict):
    """`colors`: text and stroke colours, stroke widths, and the least contrast a sample may have."""

    text: list[ColorChoice] = Field(default_factory=lambda: [ColorChoice(color="#000000-#3c3c3c")], min_length=1)
    stroke: list[ColorChoice] = Field(default_factory=lambda: [ColorChoice(color="#000000-#ffffff")], min_length=1)
    stroke_width: dict[Annotated[int, Field(ge=0, le=32)], Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: {0: 1.0}, description="{width: weight}"
    )
    min_contrast: float = Field(
        40.0, ge=0, le=255,
        description="least |luma(ink) - luma(background around it)| on the final pixels; recoloured or redrawn below",
    )

    shadow: ShadowConfig | None = Field(None, description="a share of words with a drop shadow or an extrusion")

    _colours_weighted = field_validator("text", "stroke")(classmethod(lambda cls, value: _some_weight(value)))


class TiltConfig(Strict):
    """`geometry.tilt`: a share of words rotated far more than `skew`."""

    p: float = Field(0.0, ge=0, le=1, description="share of samples rotated by up to `degrees` instead of `skew`")
    degrees: float = Field(15.0, ge=0, le=45, description="their rotation in degrees, uniform in [-degrees, degrees]")


class ShearConfig(Strict):
    """`geometry.shear`: a share of words slanted like italic or oblique sign lettering."""

    p: float = Field(0.0, ge=0, le=1, description="share of samples slanted by up to `degrees`")
    degrees: float = Field(15.0, ge=0, le=40, description="their slant in degrees, uniform in [-degrees, degrees] (positive leans right)")


Visible = Annotated[float, Field(ge=0.02, le=0.45)]
Gap = Annotated[int, Field(ge=0, le=32)]


class NeighboursConfig(Strict):
    """`geometry.neighbours`: a share of words with the cut-off edge of another line of text above
    or below them, as crops of dense signs and pages have. The label stays the word's own."""

    p: float = Field(0.0, ge=0, le=1, description="share of samples with a neighbouring line")
    visible: tuple[Visible, Visible] = Field(
        (0.1, 0.3), description="range of the share of the frame height that the other line's cut edge takes")
    gap: tuple[Gap, Gap] = Field((2, 4), description="range of pixels between it and the word, at output size")

    _ranges_ordered = field_validator("visible", "gap")(classmethod(lambda cls, value: ordered(value)))


class GeometryConfig(Strict):
    """`geometry`: output height, rotation, trdg distortions, character spacing and margins."""

    height: int = Field(32, ge=8, le=256, description="output image height; width keeps the aspect ratio")
    skew: float = Field(0.0, ge=0, le=45, description="rotation in degrees, uniform in [-skew, skew]")
    tilt: TiltConfig | None = Field(None, description="a share of strongly rotated words (scene text at an angle)")
    tight: float = Field(
        0.0, ge=0, le=1,
        description="share of words whose frame is cut to the ink's box before the margins (trdg's --fit): "
                    "capitals then fill the height, as in a tight crop of a sign",
    )
    distortion: dict[Literal["none", "sine", "cosine", "random"], float] = Field(
        default_factory=lambda: {"none": 1.0}
    )
    distortion_orientation: dict[Literal["vertical", "horizontal", "both"], float] = Field(
        default_factory=lambda: {"vertical": 1.0}
    )
    character_spacing: tuple[Spacing, Spacing] = Field((0, 0), description="extra pixels between characters")
    margins: tuple[Margin, Margin] = Field((0, 3), description="margin range in pixels on each side, at output scale")
    stretch: tuple[Stretch, Stretch] = Field(
        (1.0, 1.0),
        description="range of the word's width factor at the same height (below 1: narrower letters, "
                    "as on condensed signs and words seen at an angle)",
    )

    shear: ShearConfig | None = Field(
        None, description="a share of words slanted (italic, oblique lettering, text seen from the side)")

    neighbours: NeighboursConfig | None = Field(
        None, description="a share of words with the cut-off edge of another text line above or below")

    _ranges_ordered = field_validator("character_spacing", "margins", "stretch")(classmethod(lambda cls, value: ordered(value)))

    @model_validator(mode="after")
    def _room_for_text(self) -> GeometryConfig:
        if 2 * self.margins[1] >= self.height:
            raise ValueError(f"margins: {self.margins[1]} px above and below leave no room for text in height {self.height}")
        if self.neighbours is not None and self.neighbours.p:
            room = round(self.neighbours.visible[1] * self.height) + self.neighbours.gap[1] + self.margins[1]
            if 3 * room > 2 * self.height:
                raise ValueError(f"neighbours: the other line's {self.neighbours.visible[1]} of the height, a gap of "
                                 f"{self.neighbours.gap[1]} px and a margin of {self.margins[1]} px leave the word less "
                                 f"than a third of height {self.height}")
        return self


class BackgroundsConfig(Strict):
    """`backgrounds`: kind weights (see `synthocr.synth.backgrounds.KINDS`), image folders and
    weights, plain colours."""

    kinds: dict[Literal["gaussian", "plain", "quasicrystal", "image"], float] = Field(
        default_factory=lambda: {"plain": 1.0}
    )
    dirs: list[str] = Field(default_factory=lambda: ["../backgrounds"], description="background image dirs")
    plain: list[ColorChoice] = Field(default_factory=lambda: [ColorChoice(color="#dcdcdc-#ffffff")], min_length=1)
    weights: dict[str, float] = Field(default_factory=dict, description="weight per background image file name")

    _plain_weighted = field_validator("plain")(classmethod(lambda cls, value: _some_weight(value)))
