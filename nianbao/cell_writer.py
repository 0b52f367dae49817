"""The one writer of a Document's cells (`doc.fields`).

Every stage that reads cells — the text path (assemble, and its prose settling), the table grid
(ocr/apply.py), the token model's merge (model/combine.py), the printed variants
(nianbao/variants.py), the batch's settling across years — hands its reading here with the stage's
name and why it proposes it, instead of writing `doc.fields[key]` itself. The stage still decides
*whether* its reading beats the one there (that is its knowledge: the grid knows cell boundaries,
the model's merge weighs the identities); this module only writes, and keeps the record of what
each stage proposed and what it replaced in `doc.proposals` (`nianbao.document.Proposal`), so a
cell's history can be read back (`history`) without each stage leaving notes of its own.

Nothing else assigns, updates or deletes `doc.fields[...]`: tests/test_cell_writer.py walks the
package's syntax trees and fails on any module that does. The record is kept on the Document,
not written into the output, which stays what the contract (shared/spec/output.md) describes.
"""
from __future__ import annotations

from collections.abc import Mapping

from .document import Cell, Document, Proposal


def write(doc: Document, key: str, cell: Cell, *, stage: str, why: str) -> Cell:
    """`cell` becomes the reading of `key`, replacing whatever was there; returns it. Writing
    the cell that is already there records that the stage kept it."""
    old = doc.fields.get(key)
    doc.proposals.append(Proposal(stage=stage, key=key, value=cell.value, why=why, taken=True,
                                  replaced=None if old is None else old.value, had=old is not None))
    doc.fields[key] = cell
    return cell


def write_all(doc: Document, cells: Mapping[str, Cell], *, stage: str, why: str) -> None:
    """Each of `cells` becomes its key's reading (a table read whole), in the mapping's order."""
    for key, cell in cells.items():
        write(doc, key, cell, stage=stage, why=why)


def add_missing(doc: Document, key: str, cell: Cell, *, stage: str, why: str) -> Cell:
    """`cell` becomes the reading of `key` only where the key has none yet; returns the key's
    reading. A proposal that finds a reading there is recorded as not taken."""
    old = doc.fields.get(key)
    if old is not None:
        decline(doc, key, cell, stage=stage, why=why)
        return old
    return write(doc, key, cell, stage=stage, why=why)


def decline(doc: Document, key: str, cell: Cell, *, stage: str, why: str) -> None:
    """Record a reading a stage proposed for `key` that does not replace the one there (the
    stage found the earlier reading better): the cell is left alone."""
    old = doc.fields.get(key)
    doc.proposals.append(Proposal(stage=stage, key=key, value=cell.value, why=why, taken=False,
                                  replaced=None if old is None else old.value, had=old is not None))


def clear(doc: Document, *, stage: str, why: str) -> None:
    """Drop every reading (the pipeline, when a stage fails: the output then holds the error
    alone); the record keeps what was dropped."""
    for key, old in doc.fields.items():
        doc.proposals.append(Proposal(stage=stage, key=key, value=None, why=why, taken=True,
                                      replaced=old.value, had=True))
    doc.fields.clear()


def history(doc: Document, key: str) -> list[Proposal]:
    """What each stage proposed for `key`, in order."""
    return [p for p in doc.proposals if p.key == key]
