"""Rule-based identity checks (勾稽关系): flag, never rewrite."""
from .identities import reconcile

__all__ = ["reconcile"]
