"""Pure functions that turn the model into Rich/Textual renderables; no widgets, no I/O."""
