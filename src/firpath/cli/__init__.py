"""The `firpath` command line (Typer + Rich): parse, call one service, render."""
