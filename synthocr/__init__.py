"""synthocr: synthetic word images, MJSynth mixing, CRNN-CTC training and per-font reports."""

__version__ = "0.1.0"
