"""Reports as web pages, Word files and OFD, made from the synthetic generator's content."""
from __future__ import annotations

import random
from pathlib import Path

from nianbao.training.synth import styles, web, word
from nianbao.training.synth.content import generate


def content(doc_id: str, fmt: str, seed: int = 7):
    return generate(doc_id, seed, fmt, error_rate=0.0)


def html_page(c, web_style: str, base_style: str = "song_plain", seed: int = 0) -> bytes:
    data, _ = web.page(c, styles.get(base_style), web_style, random.Random(f"{seed}:{c.doc_id}:{web_style}"))
    return data


def docx_file(c, path: Path, word_style: str, base_style: str = "song_plain", seed: int = 0) -> Path:
    word.write_docx(c, styles.get(base_style), word_style, random.Random(f"{seed}:{c.doc_id}:{word_style}"), path)
    return path


def wrong_cells(doc, gold: dict) -> list:
    out = []
    for k, v in gold["fields"].items():
        cell = doc.fields.get(k)
        got = None if cell is None else cell.value
        if got is None or abs(got - v) > 1e-9:
            out.append((k, v, got))
    return out
