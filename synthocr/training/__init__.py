"""CRNN-CTC recogniser: charset, tf.data input pipeline, model, decoding, train, evaluate, predict.

Only `charset`, `config` and `scoring` import without TensorFlow; the rest is imported by the CLI
inside its commands.
"""
