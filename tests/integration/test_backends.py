"""The model code is backend-agnostic: it builds and trains a step under JAX (where installed)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

JAX_STEP = """
import keras, numpy as np
assert keras.backend.backend() == "jax", keras.backend.backend()
from synthocr.training.models import build_model
model = build_model("crnn-small", 11)
model.compile(optimizer=keras.optimizers.Adam(1e-3, clipnorm=5.0), loss=keras.losses.CTC())
rng = np.random.default_rng(0)
images = rng.random((4, 32, 128, 1), dtype=np.float32)
labels = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [6, 7, 8, 9, 0], [10, 1, 0, 0, 0]], np.int32)
first = float(model.train_on_batch(images, labels))
for _ in range(5):
    last = float(model.train_on_batch(images, labels))
assert model.predict_on_batch(images).shape == (4, 31, 11)
print(first, last)
"""


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_model_trains_a_step_under_jax() -> None:
    env = {**os.environ, "KERAS_BACKEND": "jax", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, "-c", JAX_STEP], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    first, last = map(float, result.stdout.split()[-2:])
    assert last < first


JAX_MIXED_STEP = """
import keras, numpy as np
keras.mixed_precision.set_global_policy("mixed_float16")
from synthocr.training.models import build_model
model = build_model("crnn-small", 11)
print(model.get_layer("bilstm1").dtype_policy.compute_dtype, model.get_layer("block1_conv").dtype_policy.compute_dtype)
optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(1e-3, clipnorm=5.0))
model.compile(optimizer=optimizer, loss=keras.losses.CTC())
images = np.random.default_rng(0).random((4, 32, 128, 1), dtype=np.float32)
labels = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [6, 7, 8, 9, 0], [10, 1, 0, 0, 0]], np.int32)
print(float(model.train_on_batch(images, labels)))
"""


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_lstms_stay_float32_under_jax_mixed_precision() -> None:
    # JAX's cuDNN LSTM takes float32 only: a float16 LSTM fails on the first step on a GPU.
    env = {**os.environ, "KERAS_BACKEND": "jax", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, "-c", JAX_MIXED_STEP], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    lstm_dtype, conv_dtype, loss = result.stdout.split()[-3:]
    assert (lstm_dtype, conv_dtype) == ("float32", "float16")
    assert np.isfinite(float(loss))
