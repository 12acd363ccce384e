"""``python -m attachsim.cli``: the command-line interface."""

from . import main

main()
