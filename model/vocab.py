"""A one-character vocabulary (Chinese reports tokenise best a character at a time).

Characters are looked up as printed, then in their NFKC form (full-width digits from OCR or
odd fonts), then fall back to [UNK].
"""
from __future__ import annotations

import string
import unicodedata
from pathlib import Path

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD, UNK, CLS, SEP, MASK = range(5)


class CharVocab:
    def __init__(self, chars: list[str]):
        self.chars = list(SPECIALS) + [c for c in dict.fromkeys(chars) if c not in SPECIALS]
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def id(self, ch: str) -> int:
        i = self.index.get(ch)
        if i is None:
            i = self.index.get(unicodedata.normalize("NFKC", ch)[:1], UNK)
        return i

    def ids(self, chars: list[str]) -> list[int]:
        return [self.id(c) for c in chars]

    def save(self, path: str | Path) -> None:
        Path(path).write_text("\n".join(self.chars) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> CharVocab:
        chars = Path(path).read_text(encoding="utf-8").split("\n")
        return cls([c for c in chars if c])

    @classmethod
    def build(cls, token_lists, min_count: int = 1) -> CharVocab:
        """From training tokens, plus the schema's own wording and ASCII, so every label
        phrase and digit has an id even if the training pages never printed it."""
        from collections import Counter

        from nianbao import schema
        counts: Counter = Counter()
        for toks in token_lists:
            counts.update(toks)
        base = set(string.digits + string.ascii_letters + string.punctuation)
        base |= set(_schema_text(schema.raw()))
        base |= set("，。、；：？！“”‘’（）《》〔〕【】—－…·％０１２３４５６７８９万亿元")
        base |= set(common_hanzi())
        chars = sorted(base) + sorted(c for c, n in counts.items() if n >= min_count and c not in base)
        return cls([c for c in chars if c.strip()])


def _schema_text(node) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return "".join(_schema_text(k) + _schema_text(v) for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return "".join(_schema_text(v) for v in node)
    return ""


def common_hanzi() -> str:
    """GB2312 level-1 hanzi (3,755 most common characters): real reports name agencies and
    topics the training pages never printed, and an e5-initialised model knows these."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(out)
