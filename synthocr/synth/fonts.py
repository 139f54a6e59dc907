"""Fonts: discovery in directories (with `fonts.csv` metadata), trdg's Latin fonts, glyph coverage."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from synthocr.errors import UserError
from synthocr.recipe import FontsConfig
from synthocr.synth.listings import asset_dirs, read_listing

FONT_SUFFIXES = (".ttf", ".otf")


@dataclass(frozen=True)
class FontInfo:
    id: str
    path: str
    family: str
    style: str
    category: str
    licence: str
    source: str
    glyphs: frozenset[int] = field(repr=False, compare=False)

    def covers(self, text: str) -> bool:
        return all(ord(c) in self.glyphs for c in text)

    def missing(self, text: str) -> str:
        return "".join(sorted({c for c in text if ord(c) not in self.glyphs}))


@cache
def _read_font(path: str) -> tuple[frozenset[int], str, str]:
    """(cmap code points, family, style) of a font file, via fontTools."""
    import logging

    from fontTools.ttLib import TTFont, TTLibError

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # harmless table quirks of shipped fonts
    try:
        font = TTFont(path, lazy=True, fontNumber=0)
        # Only the code points are wanted, not the glyph names the cmap maps them to: placeholder
        # names spare decoding the 'post' or 'CFF ' table for them (0.8 s -> 0.2 s for the bundled fonts).
        font.setGlyphOrder([f"glyph{i}" for i in range(font["maxp"].numGlyphs)])
        cmap = font.getBestCmap() or {}
        names = font["name"]
        family = names.getDebugName(16) or names.getDebugName(1) or Path(path).stem
        style = names.getDebugName(17) or names.getDebugName(2) or "Regular"
        font.close()
    except (TTLibError, OSError, KeyError, AssertionError) as err:
        raise UserError(f"{path}: not a readable font ({err})") from None
    # Whitespace rarely matters but fonts without a space glyph still render one.
    return frozenset(cmap) | {32}, family, style


BLANK_PROBE_SIZE = 48


@cache
def blank_characters(path: str, characters: str) -> frozenset[str]:
    """The characters of `characters` that the font maps to a glyph but draws no ink for.

    A character table can claim a glyph whose outline is empty (fonts do this for characters
    they were never drawn for): every word with it would be written with an invisible letter
    under a clean label. Each character is drawn alone and its mask checked; whitespace is
    expected to be blank and never reported. Cached per process: a pure function of the file.
    """
    from PIL import ImageFont

    font = ImageFont.truetype(path, BLANK_PROBE_SIZE)
    blank = set()
    for character in characters:
        if character.isspace():
            continue
        try:
            drawn = font.getmask(character).getbbox()
        except (OSError, ValueError):
            drawn = None
        if drawn is None:
            blank.add(character)
    return frozenset(blank)


def trdg_latin_dir() -> Path:
    spec = importlib.util.find_spec("trdg")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("trdg is not installed: its Latin fonts are unavailable")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "latin"


def scan_directory(directory: Path, source_label: str) -> list[FontInfo]:
    """Every font file directly in a directory (sorted by name, so ids are stable)."""
    metadata = read_listing(directory / "fonts.csv")
    fonts = []
    for path in sorted(p for p in directory.iterdir() if p.suffix.lower() in FONT_SUFFIXES):
        glyphs, family, style = _read_font(str(path))
        row = metadata.get(path.name, {})
        fonts.append(
            FontInfo(
                id=path.stem,
                path=str(path),
                family=row.get("family") or family,
                style=row.get("style") or style,
                category=row.get("category") or "unknown",
                licence=row.get("licence") or "unknown",
                source=row.get("source") or source_label,
                glyphs=glyphs,
            )
        )
    return fonts


def discover_fonts(config: FontsConfig, recipe_source: str = "recipe") -> list[FontInfo]:
    """All fonts a recipe names; a font id seen twice keeps the first directory's file."""
    fonts: dict[str, FontInfo] = {}
    for _, path in asset_dirs(config.dirs, f"{recipe_source}: fonts.dirs"):
        for font in scan_directory(path, str(path)):
            fonts.setdefault(font.id, font)
    if config.trdg_latin:
        for font in scan_directory(trdg_latin_dir(), "pypi:trdg=1.8.0"):
            fonts.setdefault(font.id, font)
    excluded = set(config.exclude)
    chosen = [f for f in fonts.values() if f.id not in excluded]
    if not chosen:
        raise UserError(f"{recipe_source}: fonts: no font files found in {', '.join(config.dirs)}")
    return chosen


class FontSampler:
    """Draws a font for a text by weight, never one that lacks a glyph of the text."""

    def __init__(self, fonts: list[FontInfo], weights: dict[str, float], charset: str, recipe_source: str = "recipe"):
        ids = {f.id for f in fonts}
        categories = {f"category:{f.category}" for f in fonts}
        for key in weights:
            if key not in ids and key not in categories:
                raise UserError(
                    f"{recipe_source}: fonts.weights: unknown font {key!r} "
                    f"(known: {', '.join(sorted(ids)[:8])}{', ...' if len(ids) > 8 else ''})"
                )
        uncovered = [c for c in charset if not any(ord(c) in f.glyphs for f in fonts)]
        if uncovered:
            raise UserError(
                f"{recipe_source}: text.charset: no font covers {''.join(uncovered)!r} "
                f"(fonts from {', '.join(sorted({str(Path(f.path).parent) for f in fonts}))})"
            )
        self.fonts = fonts
        self.charset = "".join(sorted(set(charset)))
        raw = np.array(
            [weights.get(f.id, weights.get(f"category:{f.category}", 1.0)) for f in fonts], dtype=float
        )
        if raw.sum() <= 0:
            raise UserError(f"{recipe_source}: fonts.weights: every font has weight 0")
        self.weights = raw / raw.sum()

    def blank(self, font: FontInfo) -> frozenset[str]:
        """The charset's characters this font maps but draws blank (never rendered with it)."""
        return blank_characters(font.path, self.charset)

    def draws(self, font: FontInfo, text: str) -> bool:
        """Whether the font has a glyph for every character of `text` and each one draws ink."""
        return font.covers(text) and self.blank(font).isdisjoint(text)

    def by_id(self, font_id: str) -> FontInfo:
        for font in self.fonts:
            if font.id == font_id:
                return font
        raise UserError(f"unknown font {font_id!r}")

    def draw(self, rng: np.random.Generator, text: str) -> tuple[FontInfo | None, bool]:
        """(font, redrawn): a font by weight; if it lacks a glyph of the text or draws one blank,
        one of the fonts that draw every character of it.

        Returns (None, True) when no font draws the text.
        """
        font = self.fonts[int(rng.choice(len(self.fonts), p=self.weights))]
        if self.draws(font, text):
            return font, False
        covering = [i for i, f in enumerate(self.fonts) if self.draws(f, text)]
        if not covering:
            return None, True
        sub = self.weights[covering]
        pick = covering[int(rng.choice(len(covering), p=sub / sub.sum()))]
        return self.fonts[pick], True
