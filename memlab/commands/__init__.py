"""Subcommands of the `memlab` command line, one module each.

Each module exposes `register(sub)`, which adds its parser to the `argparse` subparsers and
sets `func` (taking the parsed arguments, returning an exit code) as the parser's default.
"""
