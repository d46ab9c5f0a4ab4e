"""Screens: they own the workers that talk to the backend and hand results to widgets."""
