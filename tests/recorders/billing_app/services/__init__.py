"""Business logic of the billing service."""
