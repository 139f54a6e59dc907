"""Backgrounds: one class per kind (gaussian noise, plain colour, quasicrystal, crops of real images).

Each kind draws its parameters from the sample's RNG (`draw`) and paints from them alone
(`paint`), so `meta` replays a background exactly. `KINDS` is the one table of kinds: a new kind
is one class added to it (and its name to `BackgroundsConfig.kinds` in the recipe schema).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import cv2
import numpy as np

from synthocr.errors import UserError
from synthocr.recipe import BackgroundsConfig
from synthocr.synth.colors import draw_color, hex_to_rgb
from synthocr.synth.listings import asset_dirs, read_listing

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")


@dataclass(frozen=True)
class BackgroundImage:
    """A background photo: its file name, its `kind` from `backgrounds.csv` and its pixels."""

    name: str
    kind: str
    pixels: np.ndarray  # H x W x 3, RGB uint8


def load_background_images(config: BackgroundsConfig, recipe_source: str = "recipe") -> list[BackgroundImage]:
    """Every image in the recipe's background folders; a name seen twice keeps the first folder's."""
    images: dict[str, BackgroundImage] = {}
    for where, path in asset_dirs(config.dirs, f"{recipe_source}: backgrounds.dirs"):
        kinds = {name: row.get("kind", "") for name, row in read_listing(path / "backgrounds.csv").items()}
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
            pixels = cv2.imread(str(file), cv2.IMREAD_COLOR)
            if pixels is None:
                raise UserError(f"{where}: cannot decode image {file}")
            images.setdefault(file.name, BackgroundImage(file.name, kinds.get(file.name, ""), pixels[:, :, ::-1].copy()))
    return list(images.values())


class Background(ABC):
    """One kind of background. Its parameters are `background_*` keys of the sample's meta."""

    name: ClassVar[str]

    def __init__(self, config: BackgroundsConfig, recipe_source: str) -> None:
        self.config = config

    @abstractmethod
    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        """The kind's parameters, drawn from `rng`."""

    @abstractmethod
    def paint(self, params: dict[str, Any], height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        """An H x W x 3 uint8 RGB background from `params`; `rng` feeds only noise pixels."""


class GaussianBackground(Background):
    """Grey gaussian noise around a light mean."""

    name = "gaussian"

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        return {"background_mean": int(rng.integers(215, 250)), "background_sigma": round(float(rng.uniform(4, 14)), 2)}

    def paint(self, params: dict[str, Any], height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        noise = rng.normal(params["background_mean"], params["background_sigma"], size=(height, width, 1))
        return np.repeat(np.clip(noise.astype(np.float32), 0, 255).astype(np.uint8), 3, axis=2)


class PlainBackground(Background):
    """One colour drawn from `backgrounds.plain`."""

    name = "plain"

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        return {"background_color": draw_color(rng, self.config.plain)}

    def paint(self, params: dict[str, Any], height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        return np.broadcast_to(np.array(hex_to_rgb(params["background_color"]), np.uint8), (height, width, 3)).copy()


class QuasicrystalBackground(Background):
    """trdg's quasicrystal pattern with a drawn frequency, phase and number of rotations."""

    name = "quasicrystal"

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        return {
            "background_frequency": round(float(rng.uniform(20, 50)), 3),
            "background_phase": round(float(rng.uniform(0, 2 * np.pi)), 4),
            "background_rotations": int(rng.integers(10, 21)),
        }

    def paint(self, params: dict[str, Any], height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        return quasicrystal(height, width, params["background_frequency"], params["background_phase"],
                            params["background_rotations"])


class ImageBackground(Background):
    """A crop of a photo from `backgrounds.dirs`, drawn by `backgrounds.weights`, at a drawn place,
    scale and mirroring."""

    name = "image"

    def __init__(self, config: BackgroundsConfig, recipe_source: str) -> None:
        super().__init__(config, recipe_source)
        self.images = load_background_images(config, recipe_source)
        if not self.images:
            raise UserError(
                f"{recipe_source}: backgrounds: kind 'image' has weight but no images were found in "
                f"{', '.join(config.dirs)}"
            )
        self._by_name = {image.name: image for image in self.images}
        weights = np.array([config.weights.get(image.name, 1.0) for image in self.images], dtype=float)
        self._weights = weights / weights.sum()

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        image = self.images[int(rng.choice(len(self.images), p=self._weights))]
        return {
            "background_image": image.name,
            "background_kind": image.kind,
            "background_crop_x": round(float(rng.random()), 4),
            "background_crop_y": round(float(rng.random()), 4),
            "background_crop_scale": round(float(rng.uniform(0.6, 1.6)), 3),
            "background_flip": bool(rng.random() < 0.5),
        }

    def paint(self, params: dict[str, Any], height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        image = self._by_name[params["background_image"]]
        return crop(image.pixels, height, width, params["background_crop_x"], params["background_crop_y"],
                    params["background_crop_scale"], params["background_flip"])


# The kinds in the order their weights are listed and drawn (the order keeps output bytes stable).
KINDS: dict[str, type[Background]] = {
    kind.name: kind for kind in (GaussianBackground, PlainBackground, QuasicrystalBackground, ImageBackground)
}


class BackgroundSampler:
    """Draws a background kind by the recipe's weights and its parameters, then paints it at any size."""

    def __init__(self, config: BackgroundsConfig, recipe_source: str = "recipe"):
        self.config = config
        names = [name for name in KINDS if config.kinds.get(name, 0) > 0]
        if not names:
            raise UserError(f"{recipe_source}: backgrounds.kinds: every weight is zero")
        self._kinds = [KINDS[name](config, recipe_source) for name in names]
        self._by_name = {kind.name: kind for kind in self._kinds}
        weights = np.array([config.kinds[name] for name in names], dtype=float)
        self._kind_weights = weights / weights.sum()
        images = {image.name for kind in self._kinds if isinstance(kind, ImageBackground) for image in kind.images}
        for name in config.weights:
            if name not in images:
                raise UserError(f"{recipe_source}: backgrounds.weights: unknown image {name!r}")

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        """`{"background": kind, **the kind's parameters}`: what `paint` needs, and what `meta` records."""
        kind = self._kinds[int(rng.choice(len(self._kinds), p=self._kind_weights))]
        return {"background": kind.name, **kind.draw(rng)}

    def paint(self, params: dict[str, Any], height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        """An H x W x 3 uint8 RGB background; `rng` feeds only the noise pixels."""
        return self._by_name[params["background"]].paint(params, height, width, rng)


def quasicrystal(height: int, width: int, frequency: float, phase: float, rotations: int) -> np.ndarray:
    """trdg's quasicrystal pattern, vectorised over pixels (trdg loops in Python over each one)."""
    x = np.linspace(-2 * np.pi, 2 * np.pi, max(height, 2), dtype=np.float32)[:height, None]
    y = np.linspace(-2 * np.pi, 2 * np.pi, max(width, 2), dtype=np.float32)[None, :width]
    r = np.hypot(x, y)
    base = np.arctan2(y, x)
    z = np.zeros((height, width), np.float32)
    for i in range(rotations):
        z += np.cos(r * np.sin(base + i * 2 * np.pi / rotations) * frequency + phase)
    gray = np.clip(255 - np.round(255 * z / rotations), 0, 255).astype(np.uint8)
    return np.repeat(gray[:, :, None], 3, axis=2)


def crop(pixels: np.ndarray, height: int, width: int, fx: float, fy: float, scale: float, flip: bool) -> np.ndarray:
    """A height x width window of an image at a position and scale given as fractions."""
    src_h, src_w = pixels.shape[:2]
    want_h, want_w = max(1, round(height * scale)), max(1, round(width * scale))
    grow = max(want_h / src_h, want_w / src_w, 1.0)
    if grow > 1.0:
        want_h, want_w = min(src_h, int(want_h / grow)), min(src_w, int(want_w / grow))
        want_h, want_w = max(1, want_h), max(1, want_w)
    y0 = int(fy * (src_h - want_h + 1))
    x0 = int(fx * (src_w - want_w + 1))
    window = pixels[y0 : y0 + want_h, x0 : x0 + want_w]
    if flip:
        window = window[:, ::-1]
    if window.shape[0] == height and window.shape[1] == width:
        return np.ascontiguousarray(window)
    interp = cv2.INTER_AREA if want_h > height else cv2.INTER_LINEAR
    return cv2.resize(np.ascontiguousarray(window), (width, height), interpolation=interp)
