"""Redraw on the privacy mask's toggle: what was rendered with (or without) masks is stale."""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode


def on_mask_toggled(node: DOMNode, redraw: Callable[[], object]) -> None:
    """Call `redraw` whenever the app's privacy mask is toggled (the app's `mask_signal`)."""
    signal = getattr(node.app, "mask_signal", None)
    if signal is not None:
        signal.subscribe(node, lambda _masked: redraw())
