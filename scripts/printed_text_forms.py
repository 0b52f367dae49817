"""Text forms of web-page reports as a reader meets them: the page printed to PDF by headless
Chromium, then `pdftotext -layout`, `pdftotext -raw` and pypdfium2's text of that PDF, and the
page's text scraped with each table row's cells run together. Used to measure the text path on
the real 2019-format pages (docs/variants.md, "Blank zero cells in text dumps").

usage: python scripts/printed_text_forms.py OUT PAGE.html [PAGE.html …]
writes OUT/{layout,raw,pdfium,scraped}/<page stem>.txt (the stem keeps the gold's name), then:
  for f in layout raw pdfium scraped; do nianbao extract OUT/$f/*.txt -o OUT/json/$f; done
and score each OUT/json/<form>/<stem>.json renamed <stem>__<form>.json with ../shared/tools/score.py.
"""
import pathlib
import sys

import bs4

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from nianbao.eval.real_forms import ToolMissing, print_pdf  # noqa: E402
from training.synth.textdump import pdfium_text, pdftotext  # noqa: E402


def scraped(html: str) -> str:
    """The page's text with each table row's cells run together, a blank cell leaving nothing
    (8213521859), one row a line (tests/test_scraped_blank_zeros.py reads it too)."""
    soup = bs4.BeautifulSoup(html, "lxml")
    for cell in soup.find_all(["td", "th"]):
        cell.replace_with(cell.get_text("", strip=True))
    for row in soup.find_all("tr"):
        row.replace_with(row.get_text("", strip=True))
    return soup.get_text("\n", strip=True)


def main(out: pathlib.Path, pages: list[pathlib.Path]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for page in pages:
        pdf = out / f"{page.stem}.pdf"
        try:
            print_pdf(page, pdf)
        except ToolMissing as e:
            raise SystemExit(str(e)) from None
        forms = {"layout": pdftotext(str(pdf), "layout"), "raw": pdftotext(str(pdf), "raw"),
                 "pdfium": pdfium_text(str(pdf))}
        forms["scraped"] = scraped(page.read_text(encoding="utf-8"))
        for form, text in forms.items():
            (out / form).mkdir(exist_ok=True)
            (out / form / f"{page.stem}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]), [pathlib.Path(p) for p in sys.argv[2:]])
