"""`python -m synthocr` runs the command line."""

from synthocr.cli import app

app()
