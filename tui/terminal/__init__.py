"""Leaving the terminal and coming back: clipboard, browser, editor, local source files.

No Textual import here: the UI hands in a writer for raw terminal output and runs the commands.
"""
