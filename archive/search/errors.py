"""The engine's own failures, shared by its parts (what the public face raises)."""


class IndexUnavailable(Exception):
    """The index is missing or cannot be read."""
