"""Every form a user can meet a real report in, made from its published source, and how each reads.

    python -m nianbao.eval.real_forms ../shared/real/*.gold.json -o /tmp/forms --res /tmp/forms-res

For each gold `<stem>.gold.json` its source is the sibling `<stem>.html` (a web page) or
`<stem>.pdf` (a published PDF). Writes OUT/<form>/<stem>.<ext> for every form that can be made
of it, and OUT/gold/<stem>.gold.json, so `nianbao extract OUT/<form> -o RES/<form>`,
`nianbao eval --gold OUT/gold --inputs OUT/<form>` and `shared/tools/score.py` all pair a form
with its gold by stem. Forms:

| form | of a web page | of a PDF |
| --- | --- | --- |
| `page` | the .html as published | – |
| `word` | .docx converted by LibreOffice (`soffice --headless`) | – |
| `printed_pdf` | the page printed by headless Chromium | – |
| `original` | – | the .pdf as published |
| `layout`, `raw` | `pdftotext -layout` / `-raw` of the PDF (printed or original) | same |
| `pdfium_text` | pypdfium2's text of the PDF | same |
| `render150`, `render200` | the PDF rendered at 150 / 200 dpi and saved as an image-only PDF: a clean scan with no text layer | same |
| `scraped` | the page's text, each table row's cells run together and a blank cell leaving nothing, one row a line | – |
| `scraped_nbsp` | the page's text as a portal's scraper gives it (`pingtan_*.txt`): every text node in order, nothing between cells, `&nbsp;` a space | – |

A gold whose source is a text (`<stem>.txt`, no page or PDF: ../shared/seeds) gets a page made of
its prose and the gold's tables (eval/seed_page.py); every web-page form is then made of that page.

With `--res RES` it also extracts each form (`nianbao extract`), writes RES/scored/<stem>__<form>.json
(the layout of `shared/tools/score.py`) and prints one table: form x (cells right, non-zero
cells right, silent errors, cells guessed, cells left null as ambiguous). `--format 2019` keeps
the golds of one format (issue 24's done-when 2 is over the 2019-format reports). A form whose
tool is missing (soffice, chromium, pdftotext) is skipped with a note, never faked.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nianbao.training.synth import textdump

FORMS = ("page", "word", "printed_pdf", "original", "layout", "raw", "pdfium_text", "render150", "render200",
         "scraped", "scraped_nbsp")
EXT = {"page": ".html", "word": ".docx", "printed_pdf": ".pdf", "original": ".pdf", "layout": ".txt",
       "raw": ".txt", "pdfium_text": ".txt", "render150": ".pdf", "render200": ".pdf", "scraped": ".txt",
       "scraped_nbsp": ".txt"}
# forms made of a PDF: the page's printed PDF, or the published PDF itself
FROM_PDF = ("layout", "raw", "pdfium_text", "render150", "render200")


class ToolMissing(RuntimeError):
    pass


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def print_pdf(html: Path, pdf: Path, timeout: int = 180) -> Path:
    """The page as a browser prints it (A4, tables ruled as the page styles them, no header or
    footer): what a user gets from "print to PDF"."""
    exe = chromium()
    if exe is None:
        raise ToolMissing("chromium not found (scripts/apt-packages.txt)")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-chromium-") as profile:
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                       capture_output=True, timeout=timeout, check=True)
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"chromium printed nothing for {html}")
    return pdf


def word_docx(html: Path, docx: Path, timeout: int = 180) -> Path:
    """The page opened by LibreOffice and saved as Word 2007 XML (its tables stay tables)."""
    exe = soffice()
    if exe is None:
        raise ToolMissing("soffice not found (LibreOffice)")
    docx.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        # a profile of its own: a second soffice (or a user's) holding the default one makes
        # the conversion return at once having written nothing
        subprocess.run([exe, "--headless", f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                        "--convert-to", 'docx:MS Word 2007 XML', "--outdir", tmp, str(html.resolve())],
                       capture_output=True, timeout=timeout, check=True)
        made = Path(tmp, html.stem + ".docx")
        if not made.is_file():
            raise RuntimeError(f"soffice wrote no .docx for {html}")
        shutil.move(str(made), docx)
    return docx


def text_dump(pdf: Path, mode: str) -> str:
    """`pdftotext -layout` / `-raw` (poppler), or pypdfium2's text with pages split by form feeds:
    the synthetic corpus's own dumps (training.synth.textdump), so both sets are read alike."""
    if mode == "pdfium_text":
        return textdump.pdfium_text(str(pdf))
    try:
        return textdump.pdftotext(str(pdf), mode)
    except textdump.PdftotextMissing as e:
        raise ToolMissing(str(e)) from None


def render_scan(pdf: Path, out: Path, dpi: int) -> Path:
    """Each page rendered at `dpi` in grey and stored as the page's only content: a clean scan,
    no text layer, so the reader must OCR it (ocr/pdf.py calls a PDF whose every page has no
    text a scanned_pdf)."""
    import pypdfium2 as pdfium
    from PIL import Image

    images = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            bmp = page.render(scale=dpi / 72, grayscale=True)
            images.append(bmp.to_pil().convert("L"))
            bmp.close()
            page.close()
    finally:
        doc.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    # resolution sets the page size in points, so the scan has the printed page's size
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:], quality=92)
    return out


def scraped(html: str) -> str:
    """The page's text with each table row's cells run together, a blank cell leaving nothing
    (8213521859), one row a line: a scraper that joins each row's text."""
    import bs4

    soup = bs4.BeautifulSoup(html, "lxml")
    for cell in soup.find_all(["td", "th"]):
        cell.replace_with(cell.get_text("", strip=True))
    for row in soup.find_all("tr"):
        row.replace_with(row.get_text("", strip=True))
    return soup.get_text("\n", strip=True)


def scraped_nbsp(html: str, title: str) -> str:
    """A page's text as the 平潭 portal's scraper gives it (../shared/real/pingtan_*.txt): every
    text node in order, nothing between table cells, &nbsp; kept as a space (runs of spaces one)."""
    import re
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.out, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(re.sub(r"[\r\n\t]+", "", data))

    p = Text()
    p.feed(html)
    body = re.sub(r" {2,}", " ", "".join(p.out).replace("\xa0", " "))
    return f"标题: {title}\n{'=' * 20} 正文 {'=' * 20}\n{body}\n"


def source_of(gold: Path) -> Path:
    stem = gold.name.split(".")[0]
    for ext in (".html", ".htm", ".pdf", ".txt"):
        p = gold.with_name(stem + ext)
        if p.is_file():
            return p
    raise FileNotFoundError(f"{gold}: no {stem}.html, {stem}.pdf or {stem}.txt beside it")


def make_forms(gold: Path, out: Path, forms=FORMS, notes: list | None = None) -> dict[str, Path]:
    """Write every asked form of one gold's source under OUT/<form>/; returns form -> path."""
    notes = notes if notes is not None else []
    src = source_of(gold)
    stem = gold.name.split(".")[0]
    (out / "gold").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(gold, out / "gold" / f"{stem}.gold.json")
    made: dict[str, Path] = {}

    def dst(form):
        return out / form / (stem + EXT[form])

    def attempt(form, fn):
        if form not in forms:
            return
        try:
            made[form] = fn(dst(form))
        except ToolMissing as e:
            notes.append(f"{stem} {form}: skipped, {e}")
        except (subprocess.SubprocessError, RuntimeError, OSError) as e:
            notes.append(f"{stem} {form}: failed, {e}")

    def copy(p):
        p.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, p)
        return p

    pdf = None
    if src.suffix == ".txt":
        # no published page: one made of the text's prose and the gold's tables stands for it
        from .seed_page import write
        src = write(src, gold, dst("page") if "page" in forms else out / "seed_pages" / f"{stem}.html")
        if "page" in forms:
            made["page"] = src
        forms = tuple(f for f in forms if f != "page")
    if src.suffix == ".pdf":
        attempt("original", copy)
        pdf = src
    else:
        attempt("page", copy)
        attempt("word", lambda p: word_docx(src, p))
        page = src.read_text(encoding="utf-8")
        for form, fn in (("scraped", lambda: scraped(page)), ("scraped_nbsp", lambda: scraped_nbsp(page, stem))):
            def scrape(p, fn=fn):
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(fn(), encoding="utf-8")
                return p
            attempt(form, scrape)
        if any(f in forms for f in ("printed_pdf",) + FROM_PDF):
            # the dumps and renders are made of the printed PDF, so it is made for them too
            try:
                pdf = print_pdf(src, dst("printed_pdf"))
                if "printed_pdf" in forms:
                    made["printed_pdf"] = pdf
            except (ToolMissing, subprocess.SubprocessError, RuntimeError, OSError) as e:
                notes.append(f"{stem} printed_pdf (and the forms made of it): skipped, {e}")
    if pdf is not None:
        for mode in ("layout", "raw", "pdfium_text"):
            def dump(p, mode=mode):
                text = text_dump(pdf, mode)
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text, encoding="utf-8")
                return p
            attempt(mode, dump)
        for dpi in (150, 200):
            attempt(f"render{dpi}", lambda p, dpi=dpi: render_scan(pdf, p, dpi))
    return made


def _nianbao() -> list[str]:
    exe = Path(sys.executable).with_name("nianbao")
    return [str(exe)] if exe.is_file() else [sys.executable, "-c", "from nianbao.cli import main; main()"]


def extract_and_score(out: Path, res: Path, forms, quiet: bool = True) -> list[dict]:
    """`nianbao extract OUT/<form> -o RES/<form>` for each form; each output scored against
    OUT/gold and copied to RES/scored/<stem>__<form>.json for shared/tools/score.py."""
    from .score import score_cells

    golds = {p.name.split(".")[0]: json.loads(p.read_text(encoding="utf-8"))
             for p in sorted((out / "gold").glob("*.gold.json"))}
    scored = res / "scored"
    scored.mkdir(parents=True, exist_ok=True)
    rows = []
    for form in forms:
        if not (out / form).is_dir():
            continue
        subprocess.run(_nianbao() + ["extract", str(out / form), "-o", str(res / form)] + (["-q"] if quiet else []),
                       check=False)
        for stem, gold in golds.items():
            if not (out / form / (stem + EXT[form])).is_file():
                continue
            p = res / form / f"{stem}.json"
            pred = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
            if p.is_file():
                shutil.copyfile(p, scored / f"{stem}__{form}.json")
            s = score_cells(gold, pred)
            cells = (pred.get("fields") or {}).values()
            # read but not decided: a guess the identities left open (reason `ambiguous: …`, at
            # most 0.5), and a run-together cell left null with its candidates (`ambiguous_split`)
            guessed = sum(1 for c in cells if c.get("value") is not None
                          and ((c.get("reason") or "").startswith("ambiguous:") or (c.get("confidence") or 0) <= 0.5))
            open_ = sum(1 for c in cells if c.get("value") is None and (c.get("reason") or "").startswith("ambiguous"))
            rows.append({"form": form, "doc": stem, "cells": [s["correct"], s["total"]], "guessed": guessed,
                         "ambiguous": open_,
                         "nonzero": [s["nonzero"]["correct"], s["nonzero"]["total"]],
                         "silent": s["silent_errors"], "kind": (pred.get("source") or {}).get("kind"),
                         "wrong": [{k: w[k] for k in ("key", "gold", "pred", "confidence", "flagged", "silent")}
                                   for w in s["wrong"]]})
    return rows


def table(rows: list[dict]) -> str:
    """Markdown: one line per form, summed over its documents."""
    lines = ["| form | documents | cells right | non-zero cells right | silent errors | guessed | ambiguous (null) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for form in FORMS:
        rs = [r for r in rows if r["form"] == form]
        if not rs:
            continue
        c = [sum(r["cells"][i] for r in rs) for i in (0, 1)]
        z = [sum(r["nonzero"][i] for r in rs) for i in (0, 1)]
        lines.append(f"| {form} | {len(rs)} | {c[0]}/{c[1]} ({c[0] / max(c[1], 1):.2%}) "
                     f"| {z[0]}/{z[1]} ({z[0] / max(z[1], 1):.2%}) | {sum(r['silent'] for r in rs)} "
                     f"| {sum(r.get('guessed', 0) for r in rs)} | {sum(r.get('ambiguous', 0) for r in rs)} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.eval.real_forms", description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="+", type=Path, help="<stem>.gold.json files (or folders of them) beside their source")
    ap.add_argument("-o", "--out", type=Path, required=True, help="folder for the forms: OUT/<form>/<stem>.<ext>, OUT/gold")
    ap.add_argument("--forms", default=",".join(FORMS), help="comma-separated subset of: " + ", ".join(FORMS))
    ap.add_argument("--res", type=Path, help="also extract each form into RES/<form> and print the score table")
    ap.add_argument("--json", type=Path, help="with --res: write every document's score (and wrong cells) here")
    ap.add_argument("--format", choices=("2019", "2021"), help="only the golds of this report format")
    a = ap.parse_args(argv)
    forms = tuple(f.strip() for f in a.forms.split(",") if f.strip())
    bad = [f for f in forms if f not in FORMS]
    if bad:
        ap.error(f"unknown form(s) {bad}; known: {', '.join(FORMS)}")
    golds = []
    for g in a.gold:
        golds.extend(sorted(g.glob("*.gold.json")) if g.is_dir() else [g])
    if a.format:
        golds = [g for g in golds if json.loads(g.read_text(encoding="utf-8")).get("format") == a.format]
    notes: list[str] = []
    for g in golds:
        try:
            make_forms(g, a.out, forms, notes)
        except FileNotFoundError as e:
            notes.append(str(e))
    for n in notes:
        print(n, file=sys.stderr)
    if a.res:
        rows = extract_and_score(a.out, a.res, forms)
        for r in rows:  # each document with wrong cells: the first few, gold->read@confidence (F: flagged)
            if r["wrong"]:
                print(f"{r['form']:12} {r['doc']:22} {r['cells'][0]}/{r['cells'][1]} silent {r['silent']}: "
                      + "; ".join(f"{w['key']} {w['gold']}->{w['pred']}@{w['confidence']}"
                                  + ("F" if w["flagged"] else "") for w in r["wrong"][:6]))
        print(table(rows))
        if a.json:
            a.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
