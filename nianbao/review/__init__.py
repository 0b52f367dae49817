"""Review pages: self-contained HTML for one report, and an index for a batch."""
from .index import review_batch
from .page import review_report

__all__ = ["review_batch", "review_report"]
