"""Plain text of a report (UTF-8, GB18030, UTF-16), however badly extracted: one page of lines."""
from __future__ import annotations

from pathlib import Path

from nianbao.document import Document, Line, Page, Source
from nianbao.errors import Empty, NotText, TooLarge
from nianbao.options import ExtractOptions

MAX_TEXT_BYTES = 20 * 1024 * 1024


def load(path: Path, source: Source) -> Document:
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise TooLarge(f"text input larger than {MAX_TEXT_BYTES // (1 << 20)} MiB")
    source.kind = "text"
    return text_document(decode_text(path.read_bytes()), source)


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 saved without a byte-order
    mark (Windows tools do): UTF-8 and GB18030 text never holds a NUL byte, while UTF-16 puts
    one beside every ASCII character (digits, spaces, line ends: a report has many), always on
    the same side of the pair (CJK characters such as 一 U+4E00 put a few on the other side)."""
    head = data[:65536]
    if b"\x00" not in head or len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if odd > pairs * 0.05 and even * 5 <= odd:
        return "utf-16-le"
    if even > pairs * 0.05 and odd * 5 <= even:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> str:
    """Decode report text in the encodings Chinese sites use; refuse binary garbage."""
    if not data.strip():
        raise Empty("empty input: the file has no text")
    bomless = None if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif bomless:
        try:
            text = data[:len(data) // 2 * 2].decode(bomless)
        except UnicodeDecodeError:
            raise NotText("not a text file: NUL bytes, but not UTF-16 either") from None
    else:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise NotText("not a text file: bytes are neither UTF-8 nor GB18030")
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    if bad > max(8, len(text) // 100):
        raise NotText("not a text file: too many control characters (binary data?)")
    return text


def text_document(text: str, source: Source) -> Document:
    # a form feed starts a new page, also in the middle of a line (pypdfium2 dumps glue the
    # page number to the next page's first line: "— 2 —\f（本列数据…")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f")
    lines = [Line(text=t, number=i) for i, t in enumerate(text.split("\n"), 1)]
    source.pages = 1
    return Document(source=source, pages=[Page(number=1, lines=lines, source="text")])


def read(path: Path, source: Source, options: ExtractOptions) -> Document:
    """The reader protocol's entry (nianbao.readers.Reader): no option changes how text is read."""
    return load(path, source)
