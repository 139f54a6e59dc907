"""Recipe validation: key paths in errors, defaults, path resolution, the bundled recipes."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.errors import UserError
from synthocr.recipe import load_recipe, recipe_from_dict

ROOT = Path(__file__).resolve().parents[3]
MINIMAL = {"text": {"sources": [{"path": "english"}]}}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**MINIMAL, "fonts": {"sizes": [1, 2]}}, "r.yaml: fonts.sizes: unknown key"),
        ({**MINIMAL, "geometry": {"skew": "x"}}, "r.yaml: geometry.skew: Input should be a valid number"),
        ({"text": {"sources": [{"kind": "random", "min_length": 5, "max_length": 2}]}}, "r.yaml: text.sources[0]"),
        ({"text": {"sources": [{"path": "english", "weight": -1}]}}, "text.sources[0].weight"),
        ({**MINIMAL, "colors": {"text": [{"color": "black"}]}}, "colors.text[0].color"),
        ({**MINIMAL, "backgrounds": {"kinds": {"marble": 1}}}, "backgrounds.kinds.marble"),
        ({"text": {**MINIMAL["text"], "punctuation": {"p": 0.2, "after": {"!": 1}}}},
         "r.yaml: text: punctuation: marks '!' are not in text.charset"),
        ({"text": {"sources": [{"kind": "random", "punctuation": {"p": 1, "before": {"$": 1}}}]}},
         "r.yaml: text: sources[0].punctuation: marks '$' are not in text.charset"),
        ({"text": {**MINIMAL["text"], "punctuation": {"p": 0.2}}}, "r.yaml: text.punctuation: p is 0.2 but no mark"),
        ({"text": {**MINIMAL["text"], "punctuation": {"p": 1.5, "after": {".": 1}}}}, "text.punctuation.p"),
        ({**MINIMAL, "augment": {"transform": {"__class_fullname__": "NoSuchTransform"}}}, "r.yaml: augment: not a valid"),
        (["not", "a", "mapping"], "expected a mapping"),
    ],
)
def test_errors_name_the_key_path(data: object, message: str) -> None:
    with pytest.raises(UserError, match=None) as caught:
        recipe_from_dict(data, source="r.yaml")
    assert message in str(caught.value)


def test_a_bad_train_section_is_named_when_training_reads_it() -> None:
    recipe = recipe_from_dict({**MINIMAL, "train": {"width_jitter": [3, 1]}}, source="r.yaml")
    with pytest.raises(UserError) as caught:
        recipe.train_config
    assert str(caught.value) == ("r.yaml: train.width_jitter: width_jitter should be [low, high] "
                                 "with 0.25 <= low <= high <= 4 (got [3, 1])")


def test_paths_resolve_against_the_recipe_folder(tmp_path: Path) -> None:
    recipe = recipe_from_dict({"text": {"sources": [{"path": "w.txt"}, {"path": "trdg:en"}]}, "fonts": {"dirs": ["f"]}},
                              base_dir=tmp_path)
    assert recipe.text.sources[0].path == str(tmp_path / "w.txt")
    assert recipe.text.sources[1].path == "trdg:en"
    assert recipe.fonts.dirs == [str(tmp_path / "f")]


def test_bundled_recipes_load_and_differ() -> None:
    default, clean = load_recipe(ROOT / "recipes" / "default.yaml"), load_recipe(ROOT / "recipes" / "clean.yaml")
    assert default.augment is not None and clean.augment is None
    assert default.digest() != clean.digest()
    assert default.train_config.model == "crnn"
    assert Path(default.fonts.dirs[0]) == ROOT / "fonts"


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="recipe file not found"):
        load_recipe(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("text: [unclosed\n")
    with pytest.raises(UserError, match="not valid YAML"):
        load_recipe(bad)


def test_keys_added_later_are_left_out_of_the_hash_at_their_defaults() -> None:
    # A dataset written before geometry.tilt and output.char_boxes existed still resumes.
    plain = recipe_from_dict(MINIMAL, "r.yaml", ROOT / "recipes")
    resolved = plain.resolved()
    assert "tilt" not in resolved["geometry"] and "char_boxes" not in resolved["output"]
    assert "tight" not in resolved["geometry"]
    tight = recipe_from_dict({**MINIMAL, "geometry": {"tight": 0.5}}, "r.yaml", ROOT / "recipes")
    assert tight.resolved()["geometry"]["tight"] == 0.5 and tight.digest() != plain.digest()
    assert "stretch" not in resolved["geometry"]
    narrow = recipe_from_dict({**MINIMAL, "geometry": {"stretch": [0.6, 1.2]}}, "r.yaml", ROOT / "recipes")
    assert narrow.resolved()["geometry"]["stretch"] == [0.6, 1.2] and narrow.digest() != plain.digest()
    with pytest.raises(UserError, match=r"geometry.stretch"):
        recipe_from_dict({**MINIMAL, "geometry": {"stretch": [0.1, 1.0]}}, "r.yaml", ROOT / "recipes")
    with pytest.raises(UserError, match=r"geometry.stretch: low 1.2 is above high 0.6"):
        recipe_from_dict({**MINIMAL, "geometry": {"stretch": [1.2, 0.6]}}, "r.yaml", ROOT / "recipes")
    with pytest.raises(UserError, match=r"geometry.tight"):
        recipe_from_dict({**MINIMAL, "geometry": {"tight": 1.5}}, "r.yaml", ROOT / "recipes")
    tilted = recipe_from_dict({**MINIMAL, "geometry": {"tilt": {"p": 0.2, "degrees": 20}}}, "r.yaml", ROOT / "recipes")
    boxed = recipe_from_dict({**MINIMAL, "output": {"char_boxes": True}}, "r.yaml", ROOT / "recipes")
    marked = recipe_from_dict({"text": {**MINIMAL["text"], "charset": "abc!", "punctuation": {"p": 0.1, "after": {"!": 1}}}},
                              "r.yaml", ROOT / "recipes")
    assert "punctuation" not in resolved["text"] and "top" not in resolved["text"]["sources"][0]
    assert "max_length" not in resolved["text"]["sources"][0]
    common = recipe_from_dict({"text": {"sources": [{"path": "english", "top": 100}]}}, "r.yaml", ROOT / "recipes")
    assert common.digest() != plain.digest()
    assert len({plain.digest(), tilted.digest(), boxed.digest(), marked.digest()}) == 4
    with pytest.raises(UserError, match=r"geometry.tilt.degrees"):
        recipe_from_dict({**MINIMAL, "geometry": {"tilt": {"p": 0.2, "degrees": 90}}}, "r.yaml", ROOT / "recipes")
    assert "shear" not in resolved["geometry"]
    slanted = recipe_from_dict({**MINIMAL, "geometry": {"shear": {"p": 0.3, "degrees": 15}}}, "r.yaml", ROOT / "recipes")
    assert slanted.resolved()["geometry"]["shear"] == {"p": 0.3, "degrees": 15.0} and slanted.digest() != plain.digest()
    assert "neighbours" not in resolved["geometry"]
    crowded = recipe_from_dict({**MINIMAL, "geometry": {"neighbours": {"p": 0.2}}}, "r.yaml", ROOT / "recipes")
    assert crowded.resolved()["geometry"]["neighbours"]["visible"] == [0.1, 0.3] and crowded.digest() != plain.digest()
    with pytest.raises(UserError, match=r"geometry.*neighbours.*less than a third of height 32"):
        recipe_from_dict({**MINIMAL, "geometry": {"neighbours": {"p": 0.2, "visible": [0.4, 0.45], "gap": [8, 12]}}},
                         "r.yaml", ROOT / "recipes")
    with pytest.raises(UserError, match=r"geometry.neighbours.visible"):
        recipe_from_dict({**MINIMAL, "geometry": {"neighbours": {"p": 0.2, "visible": [0.1, 0.9]}}}, "r.yaml", ROOT / "recipes")
    assert "shadow" not in resolved["colors"]
    shaded = recipe_from_dict({**MINIMAL, "colors": {"shadow": {"p": 0.2}}}, "r.yaml", ROOT / "recipes")
    assert shaded.resolved()["colors"]["shadow"]["offset"] == [1, 3] and shaded.digest() != plain.digest()
    with pytest.raises(UserError, match=r"colors.shadow.offset: low 3 is above high 1"):
        recipe_from_dict({**MINIMAL, "colors": {"shadow": {"p": 0.2, "offset": [3, 1]}}}, "r.yaml", ROOT / "recipes")
    with pytest.raises(UserError, match=r"geometry.shear.degrees"):
        recipe_from_dict({**MINIMAL, "geometry": {"shear": {"p": 0.3, "degrees": 60}}}, "r.yaml", ROOT / "recipes")
