"""A cell's confidence after the identities have spoken: what its evidence supports.

The readers give each cell the confidence of its reading (a text layer's character, an OCR
score, a placement rule, the token model's softmax — which combine caps where the model alone
read a value). The identities then add or take away evidence:
- a check through the cell breaks: something in it is wrong, and it may be this cell — at most
  CONF_BROKEN, whatever the reading claimed;
- equations checked with every cell read hold through it in two directions (its row and its
  column or balance): a wrong value there needs a second error that cancels it in both, so a
  weak reading rises to CONF_CROSSED;
- otherwise the reading's own confidence stands.
"""
from __future__ import annotations

from collections import Counter

from nianbao.document import Document

from .checks import Check

CONF_BROKEN = 0.85
CONF_CROSSED = 0.95


def settle(doc: Document, cks: list[Check]) -> None:
    vouching = Counter(k for c in cks if c.vouches for k in c.coef)
    for key, cell in doc.fields.items():
        if cell.value is None:
            continue
        if cell.verified is False:
            cell.confidence = min(cell.confidence, CONF_BROKEN)
        elif cell.verified and vouching[key] >= 2:
            cell.confidence = max(cell.confidence, CONF_CROSSED)
