"""Widgets that render what a screen hands them; they never do I/O."""
