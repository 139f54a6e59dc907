"""`predict`: the text and confidence of each image file, read with a trained recogniser."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from synthocr.errors import UserError
from synthocr.training.lexicon import DEFAULT_WEIGHT


@dataclass(frozen=True)
class Prediction:
    """One image and what the model read in it."""

    image: Path
    text: str
    confidence: float
    turn: int | None = None  # with deskew: degrees (counter-clockwise) the image was turned for this reading
    raw: str | None = None  # with a lexicon: the model's own reading, where a lexicon word replaced it


def predict(model: str | Path, images: Sequence[Path], beam_width: int = 0, batch_size: int = 64,
            widths: tuple[float, ...] = (1.0,), deskew: bool = False, lexicon: Sequence[str] = (),
            lexicon_weight: float = DEFAULT_WEIGHT) -> Iterator[Prediction]:
    """Reads the images in batches with the same preprocessing as training; a UserError names a bad image.

    `widths`: read each image at these width factors and keep the most confident reading (`synthocr.training.widths`);
    `deskew`: also read it turned upright by the angle its edges show (`synthocr.training.deskew`);
    `lexicon`: word lists a reading may be corrected to, with `lexicon_weight` (`synthocr.training.lexicon`).
    """
    import tensorflow as tf

    from synthocr.export.runtime import load_any_recognizer as load_recognizer  # Keras, ONNX, TFLite, SavedModel
    from synthocr.sources import tf_readable
    from synthocr.training.lexicon import load_lexicon
    from synthocr.training.pipeline import preprocess_image
    from synthocr.training.widths import check_widths, kept_turn, preprocess_at_widths, read_views

    recognizer = load_recognizer(model)
    check_widths(widths, recognizer.spec.resize, model)
    corrector = load_lexicon(lexicon, recognizer.charset, lexicon_weight) if lexicon else None
    for image in images:
        if not image.is_file():
            raise UserError(f"{image}: no such image file")
    for start in range(0, len(images), batch_size):
        chunk = images[start : start + batch_size]
        batch, turns = [], []
        for image in chunk:
            data, _ = tf_readable(image.read_bytes())  # GIF, BMP, CMYK JPEG: as PNG
            try:
                encoded = tf.constant(data)
                views, turn = ((preprocess_image(encoded, recognizer.spec), 0) if widths == (1.0,) and not deskew
                               else preprocess_at_widths(encoded, recognizer.spec, widths, deskew))
            except tf.errors.InvalidArgumentError:
                raise UserError(f"{image}: not a decodable image (PNG, JPEG, GIF or BMP)") from None
            batch.append(views)
            turns.append(turn)
        words, kept = read_views(recognizer, tf.stack(batch), beam_width, corrector)
        for image, word, view, turn in zip(chunk, words, kept, turns):
            yield Prediction(image, word.text, word.confidence, kept_turn(view, turn, widths) if deskew else None, word.raw)
