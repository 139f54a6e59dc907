"""Tiny synthocr datasets for the training tests: words rendered with Pillow into real shards."""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from synthocr.dataset import DATASET_INFO, shard_name
from synthocr.dataset.records import Record, encode_example
from synthocr.dataset.tfrecord import TFRecordWriter

FONT_DIR = Path(__file__).resolve().parents[2] / ".venv/lib/python3.11/site-packages/trdg/fonts/latin"
FONTS = ("Roboto-Regular", "OpenSans-Regular", "DroidSans-Bold")
WORDS = (
    "cat", "dog", "tree", "house", "river", "stone", "apple", "green", "light", "music",
    "paper", "water", "zebra", "quick", "brown", "jump", "lazy", "night", "seven", "bell",
)
CHARSET = "".join(sorted(set("".join(WORDS))))


def font_path(font_id: str) -> Path:
    repo_fonts = Path(__file__).resolve().parents[2] / "fonts"
    for folder in (repo_fonts, FONT_DIR):
        for suffix in (".ttf", ".otf"):
            if (folder / f"{font_id}{suffix}").is_file():
                return folder / f"{font_id}{suffix}"
    raise FileNotFoundError(font_id)


def render_word(text: str, font_id: str, rng: random.Random) -> bytes:
    """PNG bytes of `text`, height 32, dark ink on a light background, a little jitter."""
    font = ImageFont.truetype(str(font_path(font_id)), rng.randint(22, 26))
    left, top, right, bottom = font.getbbox(text)
    pad = rng.randint(2, 6)
    background = rng.randint(200, 250)
    image = Image.new("L", (right - left + 2 * pad, 32), background)
    ImageDraw.Draw(image).text((pad - left, (32 - (bottom - top)) // 2 - top), text, font=font, fill=rng.randint(0, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_records(count: int, seed: int, words: tuple[str, ...] = WORDS, fonts: tuple[str, ...] = FONTS) -> list[Record]:
    rng = random.Random(seed)
    records = []
    for i in range(count):
        text, font = words[i % len(words)], fonts[(i // len(words)) % len(fonts)]
        png = render_word(text, font, rng)
        image = Image.open(io.BytesIO(png))
        records.append(Record(f"s{seed}-{i:05d}", png, "png", image.height, image.width, text, font, "synth", seed + i,
                              {"font_size": 24, "background": "plain", "augment": ["none"]}))
    return records


def write_dataset(
    root: Path,
    counts: dict[str, int],
    shards: int = 2,
    charset: str = CHARSET,
    name: str = "tiny",
    seed: int = 0,
    extra: dict[str, list[Record]] | None = None,
) -> Path:
    """A dataset directory with `counts[split]` rendered records per split (plus any `extra`) and its info."""
    root.mkdir(parents=True, exist_ok=True)
    info_splits, fonts = {}, {}
    for offset, (split, count) in enumerate(counts.items()):
        records = make_records(count, seed + 1000 * offset) + list((extra or {}).get(split, []))
        files = []
        for i in range(shards):
            part = records[i::shards]
            file = shard_name(name, split, i, shards)
            with open(root / file, "wb") as stream:
                writer = TFRecordWriter(stream)
                for record in part:
                    writer.write(encode_example(record))
            files.append({"file": file, "count": len(part)})
        info_splits[split] = {"count": len(records), "shards": files}
        fonts[split] = dict(Counter(r.font for r in records))
    info = {
        "name": name, "seed": seed, "charset": charset, "max_length": max(len(w) for w in WORDS), "image_height": 32,
        "splits": info_splits, "sources": {s: {"synth": c["count"]} for s, c in info_splits.items()},
        "fonts": fonts, "skipped": {},
    }
    (root / DATASET_INFO).write_text(json.dumps(info), encoding="utf-8")
    return root


RECIPE_YAML = """\
name: tiny
text:
  sources:
    - kind: words
      path: english
train:
  model: crnn-small
  batch_size: 16
  epochs: 1
  warmup_steps: 2
  shuffle_buffer: 256
  val_samples: 32
"""


def write_recipe(path: Path) -> Path:
    path.write_text(RECIPE_YAML, encoding="utf-8")
    return path


def quick_run(root: Path, steps: int = 2) -> Path:
    """A run directory trained for a few steps on a tiny dataset (for evaluate/predict plumbing tests)."""
    from synthocr.training.config import TrainConfig
    from synthocr.training.train import TrainData, TrainRequest, train

    data = write_dataset(root / "data", {"train": 40, "val": 20, "test": 20})
    config = TrainConfig(model="crnn-small", batch_size=8, epochs=1, warmup_steps=0, shuffle_buffer=64, val_samples=8)
    train(TrainRequest(config, (TrainData(data),), root / "run", max_steps=steps, verbose=0))
    return root / "run"
