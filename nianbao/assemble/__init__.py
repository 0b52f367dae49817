"""Table assembly and narrative metrics from a Document's lines (the rule-based path)."""
from .report import assemble

__all__ = ["assemble"]
