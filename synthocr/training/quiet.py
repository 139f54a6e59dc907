"""TensorFlow loaded without the log lines it writes to the terminal while it starts."""

from __future__ import annotations

import os
import sys


def quiet_tensorflow() -> None:
    """Loads TensorFlow and finds its devices with the native log lines of its start-up silenced.

    TensorFlow >= 2.19 writes absl's "All log messages before absl::InitializeLog() ..." and INFO
    lines (oneDNN, no CUDA drivers, cuInit failing on a machine without a GPU) straight to file
    descriptor 2 before it reads TF_CPP_MIN_LOG_LEVEL (tensorflow/tensorflow#100442), so a refused
    command printed six lines of them above its one error line. stderr points at /dev/null while
    TensorFlow loads and lists its devices, then TF_CPP_MIN_LOG_LEVEL=2 quiets what it logs later.
    Python exceptions are raised as usual, once stderr is back. Set TF_CPP_MIN_LOG_LEVEL=0 to see
    everything (nothing is silenced then). `demo` calls it when its training stage starts, not
    before: its generation forks worker processes, which must not inherit a loaded TensorFlow.
    """
    if os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2") == "0" or "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                import tensorflow as tf

                tf.config.list_physical_devices()
            except ImportError:  # the command's own import says so, with stderr back
                pass
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)
