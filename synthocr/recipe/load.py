"""Reading a recipe: YAML or a mapping validated into a `Recipe`, its paths resolved against the
recipe's folder, its augmentation checked. The one place that reads YAML; the CLI calls it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from synthocr.errors import UserError
from synthocr.recipe.augment import check_augment
from synthocr.recipe.messages import format_validation_error
from synthocr.recipe.model import Recipe, map_paths
from synthocr.recipe.paths import resolve_path


def recipe_from_dict(data: Any, source: str = "<memory>", base_dir: Path | None = None) -> Recipe:
    """Validates recipe data; paths are resolved against `base_dir` (default: the current folder).

    >>> recipe_from_dict({"text": {"sources": [{"path": "words.txt"}]}}, base_dir=Path("/r")).text.sources[0].path
    '/r/words.txt'
    """
    if not isinstance(data, dict):
        raise UserError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    base = base_dir or Path.cwd()
    try:
        recipe = Recipe.model_validate({**data, "source": source})
    except ValidationError as err:
        raise UserError(format_validation_error(source, err)) from None
    recipe = map_paths(recipe, lambda path: resolve_path(base, path))
    check_augment(recipe)
    return recipe


def load_recipe(path: str | Path) -> Recipe:
    """Reads and validates a recipe file.

    >>> load_recipe("no/such/recipe.yaml")
    Traceback (most recent call last):
    ...
    synthocr.errors.UserError: no/such/recipe.yaml: recipe file not found
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: recipe file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise UserError(f"{path}: not UTF-8 (byte 0x{err.object[err.start]:02x} at offset {err.start}); save the recipe as UTF-8") from None
    except yaml.YAMLError as err:
        raise UserError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    return recipe_from_dict(data, source=str(path), base_dir=path.parent.resolve())
