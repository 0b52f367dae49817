"""Text forms of web-page reports as a reader meets them: the page printed to PDF by headless
Chromium, then `pdftotext -layout`, `pdftotext -raw` and pypdfium2's text of that PDF, and the
page's text scraped with each table row's cells run together (real_forms.scraped). Used to measure
the text path on the real 2019-format pages (docs/variants.md, "Blank zero cells in text dumps").

usage: python scripts/printed_text_forms.py OUT PAGE.html [PAGE.html …]
writes OUT/{layout,raw,pdfium,scraped}/<page stem>.txt (the stem keeps the gold's name), then:
  for f in layout raw pdfium scraped; do nianbao extract OUT/$f/*.txt -o OUT/json/$f; done
and score each OUT/json/<form>/<stem>.json renamed <stem>__<form>.json with ../shared/tools/score.py.
`python -m nianbao.eval.real_forms … --res R` makes, reads and scores the same forms (and the
portal scraper's, `scraped_nbsp`) in one command.
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from nianbao.eval.real_forms import ToolMissing, print_pdf, scraped  # noqa: E402
from training.synth.textdump import pdfium_text, pdftotext  # noqa: E402


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
