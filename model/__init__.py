"""Token-classification model: labels tokens as row, column, value or metric (inference)."""
