"""HTTP handlers of the billing service."""
