"""Batch extraction: many inputs, a resumable manifest, isolated workers, exports."""
from .runner import Options, run_batch

__all__ = ["Options", "run_batch"]
