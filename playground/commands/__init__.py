"""Subcommands of `python -m playground`; each module has `register(subparsers)`."""
