"""Tiny recipes, fonts and word lists for the generate tests, built in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from synthocr.synth.fonts import trdg_latin_dir

FONT_FILES = ("DroidSans.ttf", "Lato-Bold.ttf", "OpenSans-Italic.ttf")
WORDS = ["alpha", "Bravo", "charlie", "DELTA", "echo", "foxtrot", "golf", "Hotel", "india", "juliet", "kilo", "lima"]


def make_fonts(folder: Path, files: tuple[str, ...] = FONT_FILES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(trdg_latin_dir() / name, folder / name)
    return folder


def make_font_without(source: Path, target: Path, missing: str) -> Path:
    """A copy of a font whose cmap lacks the characters in `missing` (a font with tofu for them)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    for table in font["cmap"].tables:
        for char in missing:
            table.cmap.pop(ord(char), None)
    font.save(str(target))
    return target


def make_recipe(folder: Path, **overrides: object) -> Path:
    """Writes words.txt, fonts/ and recipe.yaml into `folder`; `overrides` replace top-level sections."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "words.txt").write_text("\n".join(WORDS) + "\n", encoding="utf-8")
    if not (folder / "fonts").is_dir():
        make_fonts(folder / "fonts")
    recipe: dict[str, object] = {
        "name": "tiny",
        "seed": 7,
        "text": {"sources": [{"path": "words.txt", "weight": 3}, {"kind": "random", "min_length": 2, "max_length": 5}],
                 "case": {"none": 1, "upper": 0.3}, "max_length": 12},
        "fonts": {"dirs": ["fonts"], "size": [24, 30]},
        "geometry": {"height": 32, "skew": 2, "distortion": {"none": 2, "sine": 1}},
        "backgrounds": {"kinds": {"gaussian": 1, "plain": 1, "quasicrystal": 0.3}},
        "augment": {"__version__": "2.0.8", "transform": {"__class_fullname__": "Compose", "p": 1.0, "transforms": [
            {"__class_fullname__": "GaussNoise", "p": 0.5, "std_range": [0.02, 0.06]},
            {"__class_fullname__": "MotionBlur", "p": 0.3, "blur_limit": [3, 3]}]}},
        "splits": {"train": 40, "val": 10, "test": 10},
        "output": {"shard_size": 10},
    }
    recipe.update(overrides)
    path = folder / "recipe.yaml"
    path.write_text(yaml.safe_dump(recipe, sort_keys=False), encoding="utf-8")
    return path


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, as bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
