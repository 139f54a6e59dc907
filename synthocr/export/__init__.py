"""Exports: a synthocr dataset as LMDB, PaddleOCR or Hugging Face Parquet, a recogniser as SavedModel, ONNX or TFLite."""
