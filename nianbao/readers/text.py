"""Plain text of a report (UTF-8, GB18030, UTF-16), however badly extracted: one page of lines."""
from __future__ import annotations

from pathlib import Path

from nianbao.document import Document, Source
from nianbao.ingest import MAX_TEXT_BYTES, InputError, decode_text, text_document


def load(path: Path, source: Source) -> Document:
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise InputError(f"text input larger than {MAX_TEXT_BYTES // (1 << 20)} MiB")
    source.kind = "text"
    return text_document(decode_text(path.read_bytes()), source)
