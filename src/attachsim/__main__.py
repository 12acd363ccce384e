"""``python -m attachsim``: the command-line interface."""

from .cli import main

main()
