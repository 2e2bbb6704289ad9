"""The error a command raises for a bad option: the CLI prints it and exits with status 2."""


class UsageError(ValueError):
    """A command-line option is invalid (``numnet`` exits with status 2, not 1)."""
