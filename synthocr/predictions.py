"""The columns of predictions.parquet, declared once: `evaluate` writes them, the report and the real-aware weights read them.

Each row is one sample read by a model. After the `PREDICTION_COLUMNS` below come the image and
text attributes of `synthocr.report.attributes` (`ATTRIBUTE_COLUMNS`), then the sample's meta
flattened (a meta key that clashes with a column is written `meta_KEY`). `font` is dropped when
no sample has one (labels.tsv, MJSynth). `OPTIONAL_COLUMNS` come after `PREDICTION_COLUMNS` when the
option that makes them was given (`turn`: `evaluate --deskew`; `raw_prediction`: `evaluate --lexicon`).

A column's `dtype` is what the readers rely on: `string`, `number` (any real), `integer` (whole
numbers) or `boolean`; `synthocr.report.predictions_check` refuses a file whose column holds
something else.

>>> [c.name for c in PREDICTION_COLUMNS][:4]
['id', 'text', 'prediction', 'confidence']
>>> COLUMNS[EXACT].dtype
'boolean'
"""

from __future__ import annotations

from dataclasses import dataclass

PREDICTIONS_FILE = "predictions.parquet"

ID = "id"
TEXT = "text"
PREDICTION = "prediction"
CONFIDENCE = "confidence"
EDIT_DISTANCE = "edit_distance"
CER = "cer"
EXACT = "exact"
CASELESS = "caseless"
BENCHMARK = "benchmark"
LENGTH = "length"
FONT = "font"
SOURCE = "source"
IMAGE_FORMAT = "image_format"
DATA = "data"
SHARD = "shard"
RECORD_INDEX = "record_index"
IMAGE_PATH = "image_path"
TURN = "turn"
RAW_PREDICTION = "raw_prediction"


@dataclass(frozen=True)
class Column:
    """One column of predictions.parquet: its name, the kind of its values and what it holds."""

    name: str
    dtype: str  # "string" | "number" | "integer" | "boolean"
    meaning: str


PREDICTION_COLUMNS: tuple[Column, ...] = (
    Column(ID, "string", "the sample's id (a shard record's, or the image's name)"),
    Column(TEXT, "string", "the ground truth"),
    Column(PREDICTION, "string", "what the model read"),
    Column(CONFIDENCE, "number", "probability of the decoded path (synthocr.training.decode); where a lexicon "
           "replaced the reading, the lexicon word's probability, all its paths and cases (synthocr.training.lexicon)"),
    Column(EDIT_DISTANCE, "integer", "Levenshtein distance of prediction to text (synthocr.metrics)"),
    Column(CER, "number", "edit_distance / characters of the text (at least 1)"),
    Column(EXACT, "boolean", "prediction == text"),
    Column(CASELESS, "boolean", "equal but for case"),
    Column(BENCHMARK, "boolean", "equal in the benchmark convention (caseless, a-z0-9 only)"),
    Column(LENGTH, "integer", "characters of the text"),
    Column(FONT, "string", "the font file a synthetic sample was rendered with ('' for real images)"),
    Column(SOURCE, "string", "where the sample came from (a text source, labels.tsv, mjsynth)"),
    Column(IMAGE_FORMAT, "string", "the stored image's encoding (png, jpeg, ...)"),
    Column(DATA, "string", "the evaluated data path, resolved"),
    Column(SHARD, "string", "the shard file a sample was read from (None for image files)"),
    Column(RECORD_INDEX, "integer", "the record's position in its shard (-1 for image files)"),
    Column(IMAGE_PATH, "string", "the image file of a labels.tsv or MJSynth sample (None for shards)"),
)
# Written after those only by the option that makes them.
OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column(TURN, "integer", "evaluate --deskew: degrees (counter-clockwise) the image was turned for the kept reading; 0: as it is"),
    Column(RAW_PREDICTION, "string", "evaluate --lexicon: what the model read before the lexicon (prediction where it was kept)"),
)
COLUMNS: dict[str, Column] = {column.name: column for column in (*PREDICTION_COLUMNS, *OPTIONAL_COLUMNS)}
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in PREDICTION_COLUMNS)  # in every file, in this order
REQUIRED: tuple[str, ...] = (TEXT, PREDICTION)  # what a file must hold to be read as predictions
