"""A cell's confidence after the identities have spoken: what its evidence supports.

The readers give each cell the confidence of its reading (a text layer's character, an OCR
score, a placement rule, the token model's softmax — which combine caps where the model alone
read a value). The identities then add or take away evidence:
- a check through the cell breaks: something in it is wrong, and it may be this cell — at most
  CONF_BROKEN, whatever the reading claimed;
- otherwise the reading's own confidence stands: identities that hold do not raise it, because
  a reader that places values by fitting the identities (blank cells, run-together digits) makes
  them hold whether it placed right or not.
"""
from __future__ import annotations

from nianbao.document import Document

from .checks import Check

CONF_BROKEN = 0.85


def settle(doc: Document, cks: list[Check]) -> None:
    for cell in doc.fields.values():
        if cell.value is not None and cell.verified is False:
            cell.confidence = min(cell.confidence, CONF_BROKEN)
