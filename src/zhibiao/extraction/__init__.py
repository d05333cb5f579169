"""Extraction of standard indicators from a read document."""
