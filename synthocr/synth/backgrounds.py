"""Backgrounds: gaussian noise, plain colour, a vectorised quasicrystal and crops of real images.

Each background is a pure function of its drawn parameters, so `meta` replays it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from synthocr.synth.colors import draw_color
from synthocr.errors import UserError
from synthocr.synth.listings import read_listing
from synthocr.recipe import BackgroundsConfig

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
KINDS = ("gaussian", "plain", "quasicrystal", "image")


@dataclass(frozen=True)
class BackgroundImage:
    name: str
    kind: str
    pixels: np.ndarray  # H x W x 3, RGB uint8


def load_background_images(config: BackgroundsConfig, recipe_source: str = "recipe") -> list[BackgroundImage]:
    images: dict[str, BackgroundImage] = {}
    for i, directory in enumerate(config.dirs):
        path = Path(directory)
        if not path.is_dir():
            raise UserError(f"{recipe_source}: backgrounds.dirs[{i}]: directory not found: {path}")
        kinds = {name: row.get("kind", "") for name, row in read_listing(path / "backgrounds.csv").items()}
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
            pixels = cv2.imread(str(file), cv2.IMREAD_COLOR)
            if pixels is None:
                raise UserError(f"{recipe_source}: backgrounds.dirs[{i}]: cannot decode image {file}")
            images.setdefault(file.name, BackgroundImage(file.name, kinds.get(file.name, ""), pixels[:, :, ::-1].copy()))
    return list(images.values())


def luma(rgb: np.ndarray | tuple[int, int, int]) -> float:
    """ITU-R BT.601 luma of a colour or the mean luma of an image."""
    arr = np.asarray(rgb, dtype=np.float32)
    if arr.ndim == 1:
        return float(0.299 * arr[0] + 0.587 * arr[1] + 0.114 * arr[2])
    means = arr.reshape(-1, 3).mean(axis=0)
    return float(0.299 * means[0] + 0.587 * means[1] + 0.114 * means[2])


class BackgroundSampler:
    """Draws a background's parameters, then paints it at any size."""

    def __init__(self, config: BackgroundsConfig, recipe_source: str = "recipe"):
        self.config = config
        kinds = [k for k in KINDS if config.kinds.get(k, 0) > 0]
        if not kinds:
            raise UserError(f"{recipe_source}: backgrounds.kinds: every weight is zero")
        self.images = load_background_images(config, recipe_source) if "image" in kinds else []
        if "image" in kinds and not self.images:
            raise UserError(
                f"{recipe_source}: backgrounds: kind 'image' has weight but no images were found in "
                f"{', '.join(config.dirs)}"
            )
        self._kinds = kinds
        weights = np.array([config.kinds[k] for k in kinds], dtype=float)
        self._kind_weights = weights / weights.sum()
        for name in config.weights:
            if name not in {img.name for img in self.images}:
                raise UserError(f"{recipe_source}: backgrounds.weights: unknown image {name!r}")
        if self.images:
            w = np.array([config.weights.get(img.name, 1.0) for img in self.images], dtype=float)
            self._image_weights = w / w.sum()

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        kind = self._kinds[int(rng.choice(len(self._kinds), p=self._kind_weights))]
        if kind == "gaussian":
            return {"background": kind, "background_mean": int(rng.integers(215, 250)), "background_sigma": round(float(rng.uniform(4, 14)), 2)}
        if kind == "plain":
            return {"background": kind, "background_color": draw_color(rng, self.config.plain)}
        if kind == "quasicrystal":
            return {
                "background": kind,
                "background_frequency": round(float(rng.uniform(20, 50)), 3),
                "background_phase": round(float(rng.uniform(0, 2 * np.pi)), 4),
                "background_rotations": int(rng.integers(10, 21)),
            }
        index = int(rng.choice(len(self.images), p=self._image_weights))
        return {
            "background": kind,
            "background_image": self.images[index].name,
            "background_kind": self.images[index].kind,
            "background_crop_x": round(float(rng.random()), 4),
            "background_crop_y": round(float(rng.random()), 4),
            "background_crop_scale": round(float(rng.uniform(0.6, 1.6)), 3),
            "background_flip": bool(rng.random() < 0.5),
        }

    def paint(self, params: dict[str, Any], height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        """An H x W x 3 uint8 RGB background; `rng` feeds only the noise pixels."""
        kind = params["background"]
        if kind == "gaussian":
            noise = rng.normal(params["background_mean"], params["background_sigma"], size=(height, width, 1)).astype(np.float32)
            return np.repeat(np.clip(noise, 0, 255).astype(np.uint8), 3, axis=2)
        if kind == "plain":
            return np.broadcast_to(np.array(hex_to_rgb(params["background_color"]), np.uint8), (height, width, 3)).copy()
        if kind == "quasicrystal":
            return quasicrystal(height, width, params["background_frequency"], params["background_phase"], params["background_rotations"])
        image = next(img for img in self.images if img.name == params["background_image"])
        return crop(image.pixels, height, width, params["background_crop_x"], params["background_crop_y"], params["background_crop_scale"], params["background_flip"])


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


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
