"""The recipe: YAML validated into a typed schema (unknown keys rejected, errors name the key path).

Library code never reads YAML; `load_recipe` is the one place that does, and the CLI calls it.
Paths in a recipe are relative to the recipe file and are resolved here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator, model_validator

from synthocr.errors import UserError
from synthocr.paths import bundled
from synthocr.training.charset import DEFAULT_CHARSET
MAX_FONT_SIZE = 512

FontSize = Annotated[int, Field(ge=1, le=MAX_FONT_SIZE)]
Spacing = Annotated[int, Field(ge=0, le=256)]
Margin = Annotated[int, Field(ge=0, le=128)]


def _ordered(value: tuple[int, int]) -> tuple[int, int]:
    if value[0] > value[1]:
        raise ValueError(f"low {value[0]} is above high {value[1]}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordsSource(_Strict):
    """Words drawn uniformly from a list: `english` (bundled), `trdg:LANG` (trdg's dictionaries) or a file."""

    kind: Literal["words"] = "words"
    path: str = Field(description="'english', 'trdg:en' (any trdg dictionary) or a file, one word per line")
    weight: float = Field(1.0, ge=0)
    min_length: int = Field(1, ge=1, description="shorter words are never drawn from this list")


class RandomSource(_Strict):
    """Random strings over a character set, length uniform in [min_length, max_length]."""

    kind: Literal["random"]
    charset: str | None = Field(None, description="characters to draw from; default: text.charset")
    min_length: int = Field(1, ge=1)
    max_length: int = Field(10, ge=1)
    weight: float = Field(1.0, ge=0)

    @model_validator(mode="after")
    def _lengths(self) -> RandomSource:
        if self.min_length > self.max_length:
            raise ValueError(f"min_length {self.min_length} > max_length {self.max_length}")
        return self


def _source_kind(value: Any) -> str:
    kind = value.get("kind", "words") if isinstance(value, dict) else getattr(value, "kind", "words")
    return kind if kind in ("words", "random") else "words"


TextSource = Annotated[
    Annotated[WordsSource, Tag("words")] | Annotated[RandomSource, Tag("random")],
    Discriminator(_source_kind),
]


class CaseMix(_Strict):
    """Weights of the case transforms applied to a drawn text."""

    none: float = Field(1.0, ge=0)
    lower: float = Field(0.0, ge=0)
    upper: float = Field(0.0, ge=0)
    title: float = Field(0.0, ge=0)


class TextConfig(_Strict):
    sources: list[TextSource] = Field(min_length=1)
    case: CaseMix = CaseMix()
    charset: str = Field(DEFAULT_CHARSET, min_length=1, description="the model's vocabulary")
    max_length: int = Field(24, ge=1)

    @field_validator("charset")
    @classmethod
    def _unique(cls, value: str) -> str:
        seen = []
        for char in value:
            if char not in seen:
                seen.append(char)
        return "".join(seen)


class FontsConfig(_Strict):
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

    _size_ordered = field_validator("size")(classmethod(lambda cls, value: _ordered(value)))

    @field_validator("weights")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for key, weight in value.items():
            if weight < 0:
                raise ValueError(f"weight of {key!r} is negative: {weight}")
        return value


class ColorChoice(_Strict):
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


class ColorsConfig(_Strict):
    text: list[ColorChoice] = Field(default_factory=lambda: [ColorChoice(color="#000000-#3c3c3c")], min_length=1)
    stroke: list[ColorChoice] = Field(default_factory=lambda: [ColorChoice(color="#000000-#ffffff")], min_length=1)
    stroke_width: dict[Annotated[int, Field(ge=0, le=32)], Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: {0: 1.0}, description="{width: weight}"
    )
    min_contrast: float = Field(
        40.0, ge=0, le=255,
        description="least |luma(ink) - luma(background around it)| on the final pixels; recoloured or redrawn below",
    )

    _colours_weighted = field_validator("text", "stroke")(classmethod(lambda cls, value: _some_weight(value)))


class TiltConfig(_Strict):
    p: float = Field(0.0, ge=0, le=1, description="share of samples rotated by up to `degrees` instead of `skew`")
    degrees: float = Field(15.0, ge=0, le=45, description="their rotation in degrees, uniform in [-degrees, degrees]")


class GeometryConfig(_Strict):
    height: int = Field(32, ge=8, le=256, description="output image height; width keeps the aspect ratio")
    skew: float = Field(0.0, ge=0, le=45, description="rotation in degrees, uniform in [-skew, skew]")
    tilt: TiltConfig | None = Field(None, description="a share of strongly rotated words (scene text at an angle)")
    distortion: dict[Literal["none", "sine", "cosine", "random"], float] = Field(
        default_factory=lambda: {"none": 1.0}
    )
    distortion_orientation: dict[Literal["vertical", "horizontal", "both"], float] = Field(
        default_factory=lambda: {"vertical": 1.0}
    )
    character_spacing: tuple[Spacing, Spacing] = Field((0, 0), description="extra pixels between characters")
    margins: tuple[Margin, Margin] = Field((0, 3), description="margin range in pixels on each side, at output scale")

    _ranges_ordered = field_validator("character_spacing", "margins")(classmethod(lambda cls, value: _ordered(value)))

    @model_validator(mode="after")
    def _room_for_text(self) -> GeometryConfig:
        if 2 * self.margins[1] >= self.height:
            raise ValueError(f"margins: {self.margins[1]} px above and below leave no room for text in height {self.height}")
        return self


class BackgroundsConfig(_Strict):
    kinds: dict[Literal["gaussian", "plain", "quasicrystal", "image"], float] = Field(
        default_factory=lambda: {"plain": 1.0}
    )
    dirs: list[str] = Field(default_factory=lambda: ["../backgrounds"], description="background image dirs")
    plain: list[ColorChoice] = Field(default_factory=lambda: [ColorChoice(color="#dcdcdc-#ffffff")], min_length=1)
    weights: dict[str, float] = Field(default_factory=dict, description="weight per background image file name")

    _plain_weighted = field_validator("plain")(classmethod(lambda cls, value: _some_weight(value)))


class MjsynthMix(_Strict):
    path: str = Field(description="the 90kDICT32px folder or any folder above it")
    fraction: float = Field(0.5, ge=0, lt=1, description="share of each split taken from MJSynth")
    splits: dict[str, Literal["train", "val", "test"]] = Field(
        default_factory=lambda: {"train": "train", "val": "val", "test": "test"},
        description="our split -> the MJSynth split that feeds it",
    )


class RealMix(_Strict):
    path: str = Field(description="a labels.tsv file")
    name: str | None = Field(None, description="source name (real:NAME); default: the folder's name")
    fraction: float = Field(0.1, ge=0, lt=1)
    splits: list[Literal["train", "val", "test"]] = Field(default_factory=lambda: ["test"])


class MixConfig(_Strict):
    mjsynth: MjsynthMix | None = None
    real: list[RealMix] = Field(default_factory=list)


class SplitsConfig(_Strict):
    train: int = Field(10000, ge=0)
    val: int = Field(1000, ge=0)
    test: int = Field(1000, ge=0)


class OutputConfig(_Strict):
    shard_size: int = Field(1000, ge=1, description="samples per shard")
    png_compression: int = Field(1, ge=0, le=9)
    char_boxes: bool = Field(False, description="each character's box in the final image, in the sample's meta")


def _train_config_type() -> type[BaseModel]:
    from synthocr.training.config import TrainConfig

    return TrainConfig


class Recipe(_Strict):
    """A whole recipe. `source` is where it was read from (for error messages)."""

    name: str = Field("dataset", pattern=r"^[A-Za-z0-9_.]+$", description="dataset name used in shard names")
    seed: int = 0
    text: TextConfig
    fonts: FontsConfig = FontsConfig()
    colors: ColorsConfig = ColorsConfig()
    geometry: GeometryConfig = GeometryConfig()
    backgrounds: BackgroundsConfig = BackgroundsConfig()
    augment: dict[str, Any] | None = Field(None, description="albumentations' serialised Compose (A.to_dict)")
    augment_may_reshape: list[str] = Field(
        default_factory=list,
        description="transforms allowed to change the image's size, channels or dtype (refused otherwise), e.g. [Resize]",
    )
    splits: SplitsConfig = SplitsConfig()
    output: OutputConfig = OutputConfig()
    mix: MixConfig = MixConfig()
    train: dict[str, Any] = Field(default_factory=dict, description="the training section (TrainConfig)")
    source: str = Field("<memory>", exclude=True)

    @property
    def train_config(self) -> Any:
        """The `train` section validated as a TrainConfig."""
        try:
            return _train_config_type().model_validate(self.train)
        except ValidationError as err:
            raise UserError(_format_validation_error(self.source, err, prefix="train")) from None

    def resolved(self) -> dict[str, Any]:
        """The recipe as plain JSON-able data, every default filled in."""
        data = self.model_dump(mode="json")
        # Keys at their defaults are left out as before they existed: the same recipe hashes the same.
        if not data["augment_may_reshape"]:
            del data["augment_may_reshape"]
        if data["geometry"].get("tilt") is None:
            del data["geometry"]["tilt"]
        if not data["output"].get("char_boxes"):
            del data["output"]["char_boxes"]
        return data

    def digest(self) -> str:
        """A short hash of everything that changes the generated bytes.

        Paths into synthocr's bundled fonts, backgrounds and word lists are hashed relative to
        them, so a checkout moved elsewhere (or a Beam worker) still resumes the same dataset.
        """
        data = portable_recipe(self).resolved()
        data.pop("train", None)
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# Paths into synthocr's bundled folders, written relative to them: the same recipe on another
# installation (a moved checkout, a Beam worker) names the same files and hashes the same.
BUNDLED_PREFIX = "synthocr-bundled:"
BUNDLED_FOLDERS = ("fonts", "backgrounds", "recipes")


def _to_portable(path: str) -> str:
    if not Path(path).is_absolute():  # 'english', 'trdg:en', gs://...: the same on every machine
        return path
    resolved = Path(path).resolve()
    for name in BUNDLED_FOLDERS:
        root = bundled(name).resolve()
        if resolved == root or root in resolved.parents:
            relative = resolved.relative_to(root).as_posix()
            return f"{BUNDLED_PREFIX}{name}" + (f"/{relative}" if relative != "." else "")
    return path


def _to_local(path: str) -> str:
    if not path.startswith(BUNDLED_PREFIX):
        return path
    name, _, relative = path.removeprefix(BUNDLED_PREFIX).partition("/")
    root = bundled(name)
    return str(root / relative) if relative else str(root)


def _map_paths(recipe: Recipe, convert: Callable[[str], str]) -> Recipe:
    """The recipe with `convert` applied to every file or folder path in it."""
    text = recipe.text.model_copy(update={"sources": [
        s.model_copy(update={"path": convert(s.path)}) if isinstance(s, WordsSource) else s for s in recipe.text.sources
    ]})
    fonts = recipe.fonts.model_copy(update={"dirs": [convert(d) for d in recipe.fonts.dirs]})
    backgrounds = recipe.backgrounds.model_copy(update={"dirs": [convert(d) for d in recipe.backgrounds.dirs]})
    mix = recipe.mix.model_copy(update={"real": [r.model_copy(update={"path": convert(r.path)}) for r in recipe.mix.real]})
    if mix.mjsynth is not None:
        mix = mix.model_copy(update={"mjsynth": mix.mjsynth.model_copy(update={"path": convert(mix.mjsynth.path)})})
    return recipe.model_copy(update={"text": text, "fonts": fonts, "backgrounds": backgrounds, "mix": mix})


def portable_recipe(recipe: Recipe) -> Recipe:
    """The recipe as it is shipped to workers: paths into synthocr's bundled folders made relative to them.

    >>> recipe = recipe_from_dict({"text": {"sources": [{"path": "english"}]}}, base_dir=bundled("recipes"))
    >>> portable_recipe(recipe).fonts.dirs
    ['synthocr-bundled:fonts']
    """
    return _map_paths(recipe, _to_portable)


def local_recipe(recipe: Recipe) -> Recipe:
    """On a worker: `synthocr-bundled:` paths pointed at this installation's bundled folders."""
    return _map_paths(recipe, _to_local)


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _format_validation_error(source: str, err: ValidationError, prefix: str = "") -> str:
    first = err.errors()[0]
    # Tagged unions and literal dicts add the tag or the function name to the location: drop them.
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and ("[" in p or p in ("words", "random"))))
    where = _format_loc(((prefix,) if prefix else ()) + loc)
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    else:
        message = first["msg"].removeprefix("Value error, ")
        if "input" in first and not isinstance(first["input"], dict):
            message += f" (got {first['input']!r})"
    more = f" (and {len(err.errors()) - 1} more)" if len(err.errors()) > 1 else ""
    return f"{source}: {where}: {message}{more}"


def _resolve_path(base: Path, value: str) -> str:
    if value == "english" or value.startswith("trdg:"):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def recipe_from_dict(data: Any, source: str = "<memory>", base_dir: Path | None = None) -> Recipe:
    """Validates recipe data; paths are resolved against `base_dir` (default: the current folder)."""
    if not isinstance(data, dict):
        raise UserError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    base = base_dir or Path.cwd()
    try:
        recipe = Recipe.model_validate({**data, "source": source})
    except ValidationError as err:
        raise UserError(_format_validation_error(source, err)) from None
    text = recipe.text.model_copy(
        update={
            "sources": [
                s.model_copy(update={"path": _resolve_path(base, s.path)}) if isinstance(s, WordsSource) else s
                for s in recipe.text.sources
            ]
        }
    )
    fonts = recipe.fonts.model_copy(update={"dirs": [_resolve_path(base, d) for d in recipe.fonts.dirs]})
    backgrounds = recipe.backgrounds.model_copy(
        update={"dirs": [_resolve_path(base, d) for d in recipe.backgrounds.dirs]}
    )
    mix = recipe.mix
    if mix.mjsynth is not None:
        mix = mix.model_copy(
            update={"mjsynth": mix.mjsynth.model_copy(update={"path": _resolve_path(base, mix.mjsynth.path)})}
        )
    mix = mix.model_copy(
        update={"real": [r.model_copy(update={"path": _resolve_path(base, r.path)}) for r in mix.real]}
    )
    recipe = recipe.model_copy(update={"text": text, "fonts": fonts, "backgrounds": backgrounds, "mix": mix})
    _check_augment(recipe)
    return recipe


# Transforms whose output differs from their input in size, channels or dtype: the images would
# no longer match `dataset_info` (height) or PNG encoding (uint8, 3 channels). Refused by name
# unless the recipe lists them in `augment_may_reshape`.
RESHAPING_TRANSFORMS = frozenset({
    "Resize", "LongestMaxSize", "SmallestMaxSize", "RandomScale", "Crop", "CenterCrop", "RandomCrop",
    "RandomSizedCrop", "RandomResizedCrop", "RandomCropNearBBox", "RandomSizedBBoxSafeCrop", "BBoxSafeRandomCrop",
    "AtLeastOneBBoxRandomCrop", "CropAndPad", "CropNonEmptyMaskIfExists", "RandomCropFromBorders", "PadIfNeeded",
    "Pad", "Transpose", "RandomRotate90", "D4", "SquareSymmetry", "Normalize", "ToFloat", "FromFloat", "ToTensorV2",
})


def _reshaping(transform: dict[str, Any]) -> str | None:
    """Why a serialised transform changes the image's size, channels or dtype, or None."""
    name = str(transform.get("__class_fullname__", "")).rsplit(".", 1)[-1]
    if name in RESHAPING_TRANSFORMS:
        return name
    if name == "ToGray" and transform.get("num_output_channels", 3) != 3:
        return f"{name} (num_output_channels={transform['num_output_channels']})"
    if transform.get("fit_output") and not transform.get("keep_size", False):  # Perspective's keep_size scales back
        return f"{name} (fit_output=true)"
    if transform.get("crop_border"):
        return f"{name} (crop_border=true)"
    return None


def _walk_serialised(transform: Any) -> list[dict[str, Any]]:
    if not isinstance(transform, dict):
        return []
    found = [transform]
    for child in transform.get("transforms") or []:
        found.extend(_walk_serialised(child))
    return found


def _check_augment(recipe: Recipe) -> None:
    if recipe.augment is None:
        return
    import albumentations as A

    try:
        A.from_dict(recipe.augment)
    except Exception as err:  # albumentations raises many types for a bad serialised pipeline
        raise UserError(f"{recipe.source}: augment: not a valid albumentations pipeline ({err})") from None
    for transform in _walk_serialised(recipe.augment.get("transform", recipe.augment)):
        why = _reshaping(transform)
        if why is not None and why.split(" ")[0] not in recipe.augment_may_reshape:
            raise UserError(
                f"{recipe.source}: augment: {why} changes the image's size, channels or dtype, which the "
                f"dataset's height ({recipe.geometry.height}) and PNG encoding would no longer match; remove it, "
                f"or list it in augment_may_reshape if that is what you want"
            )


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
