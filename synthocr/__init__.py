"""synthocr: synthetic word images, MJSynth mixing, CRNN-CTC training and per-font reports."""

import os as _os

# albumentations asks PyPI for a newer release at import (a network call, slow or hanging
# offline) and advises upgrading to its AGPL successor; synthocr pins the last MIT release.
_os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")

__version__ = "0.1.0"
