"""``python -m chainlink`` runs the command-line interface."""

from chainlink.cli import main

main()
