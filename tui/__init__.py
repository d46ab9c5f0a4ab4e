"""stackdeck: a terminal UI for error tracking."""

__version__ = "0.1.0"
