"""The CRNN-CTC recognisers ('crnn', 'crnn-small'), built from keras.layers only (any backend, safe_mode).

Both map an image (height, width, channels) to CTC logits (width / 4 - 1 frames, charset + 1
classes, blank = 0). The last Dense layer is float32 so that mixed precision never feeds float16
logits to the CTC loss. Keras is imported by the builder, so that the geometry reads without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from synthocr.training.models.family import ModelFamily

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class CrnnSpec:
    """Filters of the seven conv layers, BiLSTM units and their count."""

    filters: tuple[int, int, int, int, int, int, int]
    lstm_units: int
    lstm_layers: int
    batch_norm_everywhere: bool = False


SPECS: dict[str, CrnnSpec] = {
    # The seed CRNN: conv 32-64-128-128-256-256 (+ a 2x2 valid conv), two BiLSTM(128).
    "crnn": CrnnSpec((32, 64, 128, 128, 256, 256, 256), 128, 2),
    # Half the filters and one BiLSTM: about 4x fewer multiply-adds, for CPU demos. Batch norm
    # after every conv shortens CTC's initial plateau, which dominates a few-minute CPU run.
    "crnn-small": CrnnSpec((16, 32, 64, 64, 128, 128, 128), 96, 1, batch_norm_everywhere=True),
}


def crnn_frames(width: int) -> int:
    """CTC frames of a CRNN: two 2x2 poolings divide the width by 4, the last 2x2 valid conv takes one more.

    >>> crnn_frames(128), crnn_frames(256)
    (31, 63)
    """
    return width // 4 - 1


def check_crnn_input(height: int, width: int) -> str | None:
    """Why the CRNN cannot take images of this size (it pools the width by 4, the height by 16), or None.

    >>> check_crnn_input(32, 128) is None, check_crnn_input(32, 130)
    (True, 'width 130 must be a multiple of 4 (the CRNN pools the width by 4)')
    """
    if width % 4:
        return f"width {width} must be a multiple of 4 (the CRNN pools the width by 4)"
    if height % 16:
        return f"height {height} must be a multiple of 16 (the CRNN pools the height by 16)"
    return None


def _conv(x: keras.KerasTensor, filters: int, name: str, batch_norm: bool = False) -> keras.KerasTensor:
    from keras import layers

    x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm, name=f"{name}_conv")(x)
    if batch_norm:
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def recurrent_dtype(backend: str, compute_dtype: str) -> str | None:
    """The LSTMs' dtype: float32 under JAX with a mixed policy, else None (the global policy).

    JAX's cuDNN LSTM (`jax.experimental.rnn`, which Keras's fused path calls on a GPU) computes in
    float32 only and fails on float16 or bfloat16 inputs; keeping the two small LSTMs in float32
    leaves the convolutions, where nearly all the multiply-adds are, in mixed precision.

    >>> recurrent_dtype("jax", "float16"), recurrent_dtype("tensorflow", "float16"), recurrent_dtype("jax", "float32")
    ('float32', None, None)
    """
    return "float32" if backend == "jax" and compute_dtype != "float32" else None


def build_crnn(name: str, num_classes: int, height: int = 32, width: int = 128, channels: int = 1) -> keras.Model:
    """The CRNN `name` ('crnn' or 'crnn-small') returning logits (batch, crnn_frames(width), num_classes).

    >>> build_crnn("crnn-small", 11).output_shape
    (None, 31, 11)
    """
    import keras
    from keras import layers

    spec = SPECS[name]
    f = spec.filters
    bn = spec.batch_norm_everywhere
    image = keras.Input((height, width, channels), name="image")
    x = _conv(image, f[0], "block1", batch_norm=bn)
    x = layers.MaxPooling2D(2, name="pool1")(x)  # H/2, W/2
    x = _conv(x, f[1], "block2", batch_norm=bn)
    x = layers.MaxPooling2D(2, name="pool2")(x)  # H/4, W/4
    x = _conv(x, f[2], "block3", batch_norm=bn)
    x = _conv(x, f[3], "block4", batch_norm=bn)
    x = layers.MaxPooling2D((2, 1), name="pool3")(x)  # H/8
    x = _conv(x, f[4], "block5", batch_norm=True)
    x = _conv(x, f[5], "block6", batch_norm=True)
    x = layers.MaxPooling2D((2, 1), name="pool4")(x)  # H/16
    # A 2x2 valid conv: height 2 -> 1 at the default height 32, width W/4 -> W/4 - 1 frames.
    x = layers.Conv2D(f[6], (height // 16, 2), padding="valid", activation="relu", name="block7_conv")(x)
    x = layers.Reshape((crnn_frames(width), f[6]), name="to_sequence")(x)
    rnn_dtype = recurrent_dtype(keras.backend.backend(), keras.mixed_precision.global_policy().compute_dtype)
    for i in range(spec.lstm_layers):
        lstm = layers.LSTM(spec.lstm_units, return_sequences=True, dtype=rnn_dtype)
        x = layers.Bidirectional(lstm, dtype=rnn_dtype, name=f"bilstm{i + 1}")(x)
    logits = layers.Dense(num_classes, dtype="float32", name="logits")(x)
    return keras.Model(image, logits, name=name.replace("-", "_"))


_DESCRIPTIONS = {"crnn": "seed CRNN, ~2 M parameters", "crnn-small": "fast on CPU"}
FAMILIES = tuple(
    ModelFamily(name, _DESCRIPTIONS[name], build=partial(build_crnn, name), frames=crnn_frames, check_input=check_crnn_input)
    for name in SPECS
)
