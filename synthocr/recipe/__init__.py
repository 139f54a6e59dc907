"""The recipe: YAML validated into a typed schema (unknown keys rejected, errors name the key path).

Library code never reads YAML; `load_recipe` is the one place that does, and the CLI calls it.
Paths in a recipe are relative to the recipe file and are resolved there. The sections' models
live in `text`, `style` and `output`, the whole `Recipe` in `model`, reading in `load`.
"""

from synthocr.recipe.augment import RESHAPING_TRANSFORMS
from synthocr.recipe.load import load_recipe, recipe_from_dict
from synthocr.recipe.model import Recipe, local_recipe, portable_recipe
from synthocr.recipe.output import MixConfig, MjsynthMix, OutputConfig, RealMix, SplitsConfig
from synthocr.recipe.paths import BUNDLED_FOLDERS, BUNDLED_PREFIX
from synthocr.recipe.style import (
    MAX_FONT_SIZE,
    BackgroundsConfig,
    ColorChoice,
    ColorsConfig,
    FontsConfig,
    GeometryConfig,
    NeighboursConfig,
    ShadowConfig,
    ShearConfig,
    TiltConfig,
)
from synthocr.recipe.text import DEFAULT_CHARSET, CaseMix, Punctuation, RandomSource, TextConfig, TextSource, WordsSource

__all__ = [
    "BUNDLED_FOLDERS",
    "BUNDLED_PREFIX",
    "DEFAULT_CHARSET",
    "MAX_FONT_SIZE",
    "RESHAPING_TRANSFORMS",
    "BackgroundsConfig",
    "CaseMix",
    "ColorChoice",
    "ColorsConfig",
    "FontsConfig",
    "GeometryConfig",
    "MixConfig",
    "MjsynthMix",
    "NeighboursConfig",
    "OutputConfig",
    "Punctuation",
    "RandomSource",
    "RealMix",
    "Recipe",
    "ShadowConfig",
    "ShearConfig",
    "SplitsConfig",
    "TextConfig",
    "TextSource",
    "TiltConfig",
    "WordsSource",
    "load_recipe",
    "local_recipe",
    "portable_recipe",
    "recipe_from_dict",
]
