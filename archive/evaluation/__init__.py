"""Measuring ranking on a judged test collection (CISI and others in SMART format)."""
