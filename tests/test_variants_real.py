"""The printed variants of the spec on the real reports of ../shared/real (docs/variants.md):
洪泽区 2024 (WPS PDF: the aggregate （六）其他处理 row, a miswritten label), 上海市人民政府办公厅
2019 (blank zero cells, a blank 总计 column, 采购总金额 in 元), the six scraped 平潭 pages (cells
run together), and two Markdown dumps of Shanghai reports whose tables came out garbled."""
import html
import json
from html.parser import HTMLParser

import pytest

from nianbao import schema
from nianbao.output import to_dict
from nianbao.pipeline import extract, extract_text
from nianbao.reconcile.identities import equations

from conftest import SHARED

REAL = SHARED / "real"
PINGTAN = (2019, 2020, 2021, 2022, 2023, 2025)
COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")


def real(name: str):
    p = REAL / name
    if not p.is_file():
        pytest.skip(f"{p} is missing (shared/ must sit beside the repo)")
    return p


def gold(name: str) -> dict:
    return json.loads(real(name).read_text(encoding="utf-8"))


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-6
    return a == b


def wrong_cells(out: dict, g: dict) -> dict:
    return {k: (v, out["fields"].get(k, {}).get("value")) for k, v in g["fields"].items()
            if not same(out["fields"].get(k, {}).get("value"), v)}


def silent(out: dict, g: dict) -> list[str]:
    flagged = {k for f in out["flags"] for k in f["keys"]}
    return [k for k, (want, got) in wrong_cells(out, g).items()
            if got is not None and k not in flagged and out["fields"][k]["confidence"] >= 0.9]


# ---------------------------------------------------------------- 洪泽区 2024: WPS, aggregate row, slip

def test_hongze_wps_pdf_with_the_aggregate_row_and_a_miswritten_label():
    out = to_dict(extract(real("hongze_2024.pdf")))  # the default pipeline: grids and the token model
    g = gold("hongze_2024.gold.json")
    assert out["errors"] == [] and out["format"] == "2021"
    assert "aggregate_other_in_2021" in out["variants"]
    assert set(out["fields"]) == set(schema.field_keys("2021", aggregate=True)) and len(out["fields"]) == 207
    assert wrong_cells(out, g) == {} and silent(out, g) == []
    for rid in schema.aggregated_rows("2021"):
        for c in COLS:
            cell = out["fields"][f"requests.{rid}.{c}"]
            assert cell["value"] is None and cell["reason"] == "not_printed"
    # the row printed 2.其他法律行政止公开 is read as its row, and its evidence says so
    assert any("2.其他法律行政止公开" in w for w in out["warnings"])
    assert out["verification"]["broken"] == 0


def test_the_token_model_writes_the_aggregate_and_never_a_sub_row():
    from nianbao.ingest import load
    from nianbao.model import read_labels, stage
    from nianbao.model.infer import DEFAULT_DIR, load as load_model
    if not (DEFAULT_DIR / "model.onnx").is_file():
        pytest.skip("no shipped token-model weights")
    doc = load(real("hongze_2024.pdf"))
    from nianbao.assemble import assemble
    assemble(doc)
    stage.label_document(doc, load_model(None))
    ents = read_labels.entities(doc)
    assert read_labels.prints_aggregate("2021", ents)
    cells = read_labels.cells(doc, "2021", ents)
    hidden = {f"requests.{r}." for r in schema.aggregated_rows("2021")}
    assert not [k for k in cells if k.startswith(tuple(hidden))]
    assert {f"requests.result.other.{c}" for c in COLS} <= set(cells)
    assert all(cells[f"requests.result.other.{c}"].value == 0 for c in COLS)


# ---------------------------------------------------------------- 上海 2019: blank zeros, blank 总计, 元

class _Cells(HTMLParser):
    """The page's paragraphs and table rows, a row's cells joined by tabs (as a browser's copy does)."""

    def __init__(self):
        super().__init__()
        self.lines, self.row, self.cell, self.depth = [], None, None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.row = []
        elif tag == "td":
            self.cell = []
        elif tag == "p" and self.cell is None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr":
            self.lines.append("\t".join(self.row))
            self.row = None
        elif tag == "p" and self.row is None and self.cell is not None:
            self.lines.append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data.replace("\xa0", " "))


def shanghai_2019_text() -> str:
    p = _Cells()
    p.feed(html.unescape(real("shanghai_office_2019.html").read_text(encoding="utf-8")))
    return "\n".join(p.lines)


def _check_shanghai_2019(out: dict):
    g = gold("shanghai_office_2019.gold.json")
    assert out["format"] == "2019" and len(out["fields"]) == 198
    assert wrong_cells(out, g) == {} and silent(out, g) == []
    amount = out["fields"]["active.procurement.amount"]
    assert amount["value"] == 25.1 and amount["text"] == "251000元" and "元" in amount["reason"]
    assert {"amounts_in_yuan", "blank_totals"} <= set(out["variants"])
    # the blank 总计 column is said once, not as a row-sum error per result row
    assert [f["identity"] for f in out["flags"]] == ["requests.blank_total"]
    blank = out["flags"][0]["keys"]
    assert len(blank) == len(schema.request_result_rows("2019"))
    assert all(out["fields"][k]["value"] == 0 and out["fields"][k].get("blank") for k in blank)


def test_shanghai_2019_as_the_text_of_its_web_page():
    """Until the HTML reader is merged: the page's tables as tab-separated text (a copy from the browser)."""
    _check_shanghai_2019(to_dict(extract_text(shanghai_2019_text(), name="shanghai_office_2019")))


def test_shanghai_2019_html():
    doc = extract(real("shanghai_office_2019.html"))
    if doc.source.kind != "html":
        pytest.skip("no HTML reader yet: the file is read as plain text (see the test above)")
    _check_shanghai_2019(to_dict(doc))


# ---------------------------------------------------------------- 平潭 2019–2025: cells run together

@pytest.fixture(scope="module")
def pingtan():
    return {y: to_dict(extract(real(f"pingtan_{y}.txt"))) for y in PINGTAN}


def test_pingtan_every_cell_read_or_ambiguous(pingtan):
    for y, out in pingtan.items():
        assert out["errors"] == [] and "run_together_cells" in out["variants"], y
        assert out["format"] == schema.format_for_year(y)
        for k, c in out["fields"].items():
            assert c["value"] is not None or c["reason"] == "ambiguous_split", (y, k, c)
            if c["value"] is None:
                assert len(c["alternatives"]) >= 2, (y, k)
        read = sum(c["value"] is not None for c in out["fields"].values())
        # the identities pin down every requests and appeals cell; only active rows without an
        # identity (several cells in one run of digits) can stay ambiguous
        assert all(c["value"] is not None for k, c in out["fields"].items() if not k.startswith("active.")), y
        assert read >= len(out["fields"]) - 25, (y, read)


def test_pingtan_no_identity_broken_by_a_chosen_split(pingtan):
    for y, out in pingtan.items():
        vals = {k: c["value"] for k, c in out["fields"].items()}
        for eq in equations(out["format"]):
            if any(vals[k] is None for k in eq.keys()):
                continue
            if abs(sum(vals[k] for k in eq.left) - sum(vals[k] for k in eq.right)) > 1e-6:
                # a broken identity is the page's own error: none of its cells was split by choice
                reasons = [out["fields"][k]["reason"] for k in eq.keys()]
                assert all("only one split fits" in r or "only well-formed split" in r for r in reasons), (y, eq)


def test_pingtan_carried_forward_is_next_years_carried_over(pingtan):
    pairs = [(a, b) for a, b in zip(PINGTAN, PINGTAN[1:]) if b == a + 1]
    checked = 0
    for a, b in pairs:
        for c in COLS:
            fwd = pingtan[a]["fields"][f"requests.carried_forward.{c}"]["value"]
            over = pingtan[b]["fields"][f"requests.carried_over.{c}"]["value"]
            if fwd is not None and over is not None:
                assert fwd == over, (a, b, c)
                checked += 1
    assert checked == len(pairs) * len(COLS)


def test_pingtan_known_splits(pingtan):
    f = pingtan[2021]["fields"]
    assert [f[f"requests.new_received.{c}"]["value"] for c in COLS] == [64, 0, 0, 2, 0, 4, 70]
    assert [f[f"requests.result.unable.not_held.{c}"]["value"] for c in COLS] == [22, 0, 0, 0, 0, 3, 25]
    assert f["active.fees.amount"]["value"] == 24252.311082  # one amount, in 万元 to the 分
    assert [f[f"appeals.review.{c}"]["value"] for c in ("upheld", "corrected", "other", "pending", "total")] == \
        [1, 0, 2, 0, 3]
    nd = f["active.normative_docs.issued"]
    assert nd["value"] is None and nd["reason"] == "ambiguous_split" and 69 in nd["alternatives"]
    # 2022 prints its appeals heading with a slip (行政法复议): the table is still found
    assert pingtan[2022]["fields"]["appeals.review.total"]["value"] == 2


# ---------------------------------------------------------------- Markdown dumps with garbled tables

@pytest.mark.parametrize("name", ["shanghai_kewei_2024.txt", "shanghai_office_2025.txt"])
def test_garbled_markdown_dumps_read_only_what_holds(name):
    out = to_dict(extract(real(name)))
    assert out["errors"] == [] and out["format"] == "2021"
    for k, c in out["fields"].items():
        assert c["verified"] is not False, (k, c)  # every cell read is consistent with the identities
        if c["value"] is None:
            assert c["reason"], k
    assert not [f for f in out["flags"] if f["identity"].startswith(("requests.", "appeals."))]
