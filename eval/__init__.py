"""Accuracy and speed harness."""
