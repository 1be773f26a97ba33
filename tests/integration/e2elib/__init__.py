"""Helpers for Hearth's end-to-end integration test (e2e_test.py)."""
