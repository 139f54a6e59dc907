"""`TrainConfig`: the `train:` section of a recipe (model, input size, optimiser, budget); no TensorFlow.

The CLI overrides single fields (`--epochs`, `--batch-size`, ...) with `TrainConfig.with_overrides`,
which validates again, so a bad flag fails as clearly as a bad recipe key.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthocr.errors import UserError
from synthocr.training.models import DEFAULT_MODEL, FAMILIES, frame_count, model_family

ResizeMode = Literal["pad", "stretch"]  # how preprocess_image fits an image to the model input
RESIZE_MODES: tuple[str, ...] = get_args(ResizeMode)


def _choices(names: list[str]) -> str:
    """Names as pydantic lists the values of a Literal.

    >>> _choices(["crnn", "crnn-small", "tiny"])
    "'crnn', 'crnn-small' or 'tiny'"
    """
    quoted = [repr(n) for n in names]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else quoted[0]


RESIZE_CHOICES = _choices(list(RESIZE_MODES))  # "'pad' or 'stretch'", for error lines


class TrainConfig(BaseModel):
    """How to train the recogniser.

    >>> TrainConfig(model="crnn-small", batch_size=32).time_steps
    31
    """

    model_config = ConfigDict(extra="forbid")

    model: str = Field(
        DEFAULT_MODEL, description="architecture: " + " or ".join(f"{n!r} ({f.description})" for n, f in FAMILIES.items())
    )
    height: int = Field(32, ge=16, le=128, description="input height in pixels; images are resized to it (keeping their aspect ratio unless resize is stretch)")
    width: int = Field(128, ge=32, le=2048, description="input width in pixels; narrower images are padded, wider ones squeezed (stretch: every image resized to it)")
    resize: ResizeMode = Field(
        "pad", description="'pad': keep the aspect ratio and pad to the width; 'stretch': resize every image to height x width"
    )
    width_jitter: tuple[float, float] | None = Field(
        None, description="training only: each image's width scaled by a factor drawn log-uniformly from [low, high] every "
        "time it is read, before the resize (pad mode): the same word at other letter widths each epoch; None: off"
    )
    channels: Literal[1, 3] = Field(1, description="1 = grayscale, 3 = RGB")
    batch_size: int = Field(64, ge=1, le=8192, description="global batch size: the samples of one step, split over the devices (MirroredStrategy, JAX DataParallel)")
    epochs: int = Field(20, ge=1, description="training epochs (an epoch is the training split's size over the batch size)")
    steps_per_epoch: int | None = Field(None, ge=1, description="steps per epoch; default: training samples / batch size")
    learning_rate: float = Field(1e-3, gt=0, le=1.0, description="Adam's peak learning rate (not scaled with the number of devices)")
    clip_norm: float | None = Field(5.0, gt=0, description="clip each gradient to this global norm (None: no clipping)")
    lr_schedule: Literal["cosine", "constant"] = Field("cosine", description="'cosine': linear warm-up then cosine decay to min_lr_ratio; 'constant'")
    warmup_steps: int = Field(200, ge=0, description="linear warm-up steps of the cosine schedule")
    min_lr_ratio: float = Field(0.02, ge=0, le=1, description="final learning rate of the cosine schedule, as a fraction of learning_rate")
    early_stopping_patience: int = Field(5, ge=0, description="stop after this many epochs without a better val_cer (0: never)")
    beam_width: int = Field(0, ge=0, le=1000, description="0: greedy decoding; otherwise CTC beam search of this width")
    shuffle_buffer: int = Field(10000, ge=1, description="records held in the shuffle buffer (serialised, before decoding)")
    val_samples: int = Field(2000, ge=1, description="at most this many val samples are decoded after each epoch")
    real_val_samples: int = Field(2000, ge=1, description="at most this many images of each real validation set are read after each epoch")
    precision: Literal["auto", "float32", "mixed"] = Field(
        "auto", description="'auto': mixed_float16 on a GPU of compute capability >= 7, else float32"
    )
    jit_compile: bool = Field(False, description="XLA under TensorFlow; off because the cuDNN LSTM has no XLA kernel (JAX always compiles)")
    seed: int = Field(0, description="seed of weights, shuffling and dataset mixing")

    @field_validator("model")
    @classmethod
    def _known_model(cls, name: str) -> str:
        if name not in FAMILIES:  # worded as pydantic words a Literal, which the registry replaced
            raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": _choices(list(FAMILIES))})
        return name

    @field_validator("width_jitter")
    @classmethod
    def _jitter_range(cls, bounds: tuple[float, float] | None) -> tuple[float, float] | None:
        if bounds is not None and not 0.25 <= bounds[0] <= bounds[1] <= 4.0:
            raise ValueError("width_jitter should be [low, high] with 0.25 <= low <= high <= 4")
        return bounds

    @model_validator(mode="after")
    def _input_suits_the_model(self) -> TrainConfig:
        if self.width_jitter is not None and self.resize == "stretch":
            raise ValueError("width_jitter works on the padded width; with resize: stretch every image fills the width anyway")
        problem = model_family(self.model).check_input(self.height, self.width)
        if problem is not None:
            raise ValueError(problem)
        return self

    @property
    def time_steps(self) -> int:
        """CTC frames per image, as the model family counts them for this width."""
        return frame_count(self.model, self.width)

    def with_overrides(self, where: str = "command line", **overrides: Any) -> TrainConfig:
        """A copy with the non-None overrides applied and validated; a UserError names a bad one.

        >>> TrainConfig().with_overrides(epochs=3, batch_size=None).epochs
        3
        """
        values = {**self.model_dump(), **{k: v for k, v in overrides.items() if v is not None}}
        try:
            return TrainConfig.model_validate(values)
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "train"
            raise UserError(f"{where}: {key}: {first['msg']} (got {first.get('input')!r})") from None
