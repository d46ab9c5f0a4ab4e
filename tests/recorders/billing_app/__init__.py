"""A small billing service whose bugs the demo data records (see tests/recorders/record_demo.py)."""
