"""CRNN-CTC recogniser: charset, model families, tf.data input pipeline, decoding, train, evaluate, predict.

`charset`, `config`, `models` (the families and their geometry), `budget`, `rundir`, `run_data`,
`precision` and `distribute` import without TensorFlow (as does `synthocr.metrics`); the rest is
imported by the CLI inside its commands.
"""
