"""`python -m synthocr` runs the command line."""

from synthocr.cli import main

main()
