"""Synthetic series: N agencies × M consecutive years, for the dataset's cross-year checks.

Each agency's years agree with each other as real ones should — what year t-1 carries forward
(四、结转下年度继续办理) year t carries over (二、上年结转…), and in 2021-format years the documents
in force follow 现行有效(t) = 现行有效(t-1) + 本年制发(t) − 本年废止(t) — except where a break is
planted. Every report is consistent within itself (no single report shows a planted break).
Names vary from year to year as real titles do (淮安市洪泽区人民政府 / 洪泽区人民政府 / a scrape's
"标题:" label), and the agencies include near misses that must stay apart: a government and its
office, same-named districts of two cities, a department and its government.

Written as output-contract JSON files (what `nianbao extract` would write, read without error),
with a few extras a dataset must handle: a second copy of some reports (a text file of the same
report, some cells unread, some read differently), error records, and one file holding two
reports (source.page_range). Optionally the first agencies' reports are rendered to PDF, to
extract for real. The gold says which files are which agency and which breaks are there.

    nianbao synth --series 50x5 --out data/series --seed 0 [--render 2]
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path

from nianbao import schema
from nianbao.output import write_atomic

from .agencies import GAZETTEER, LOCAL_DEPTS, PROVINCE_DEPTS, TOWN_STEMS, Agency, division_codes
from .content import generate
from .identities import REQ_PARTS, violations

REQ_COLS = REQ_PARTS + ("total",)
IN_FORCE_ROWS = ("rules", "normative_docs")
# two districts of one name in two cities (the short name fits both: it must not join either)
TWINS = [("江苏省", "南京市", "鼓楼区"), ("福建省", "福州市", "鼓楼区")]
TWIN_CODES = {"南京市": "320106", "福州市": "350102"}
FOCUS_CITIES = 4      # cities most agencies of a series belong to: their districts and departments are ranked
FOCUS_SHARE = 0.75
# the gold's level and organ type of each kind of agency (what the dataset must say)
KIND_LEVEL = {"county": "县", "county_office": "县", "county_dept": "县", "city": "市", "city_office": "市",
              "city_dept": "市", "province": "省", "province_office": "省", "province_dept": "省", "town": "乡",
              "zone": "县", "twin": "县"}
KIND_ORGAN_TYPE = {"county": "government", "city": "government", "province": "government", "twin": "government",
                   "county_office": "office", "city_office": "office", "province_office": "office",
                   "county_dept": "department", "city_dept": "department", "province_dept": "department",
                   "town": "township", "zone": "zone"}
KINDS = ("county", "county_office", "city", "city_office", "city_dept", "county_dept", "province",
         "province_office", "province_dept", "town", "zone")


@dataclass
class SeriesAgency:
    gold_id: str
    agency: Agency
    names: list[str]          # printed forms it may use, the full one first
    organ_key: tuple          # (lowest place, organ) for the short-form collision check
    kind: str = ""
    place: tuple = ()         # (province, city, county) it belongs to, as far as its kind goes


def _places(rng: random.Random, focus: list[tuple[str, str]] | None = None):
    """A place; most from the series' few focus cities, so that a city has several districts and
    departments to rank."""
    if focus and rng.random() < FOCUS_SHARE:
        prov, city = rng.choice(focus)
    else:
        prov = rng.choice(sorted(GAZETTEER))
        city = rng.choice(sorted(GAZETTEER[prov]))
    county = rng.choice(GAZETTEER[prov][city])
    return prov, city, county


def focus_cities(rng: random.Random, k: int = FOCUS_CITIES) -> list[tuple[str, str]]:
    provs = rng.sample(sorted(GAZETTEER), k)
    return [(p, rng.choice(sorted(GAZETTEER[p]))) for p in provs]


def _agency(kind: str, rng: random.Random, near: dict) -> tuple[Agency, list[str], tuple]:
    """(agency, name forms fullest first, collision key). `near` holds the places last used, so a
    government and its office (or a city and its department) come in pairs."""
    prov, city, county = _places(rng, near.get("focus"))
    if kind in ("county_office", "county_dept") and "county" in near:
        prov, city, county = near["county"]
    if kind in ("city_office", "city_dept") and "city" in near:
        prov, city, county = near["city"]
    if kind in ("province_office", "province_dept") and "province" in near:
        prov, city, county = near["province"]
    site = "门户网站"
    if kind == "county":
        near["county"] = (prov, city, county)
        forms = [f"{prov}{city}{county}人民政府", f"{city}{county}人民政府", f"{county}人民政府"]
        return Agency(forms[1], "county", prov, city, county, site, county), forms, (county, "gov")
    if kind == "county_office":
        forms = [f"{city}{county}人民政府办公室", f"{county}人民政府办公室", f"{county}政府办公室"]
        return Agency(forms[0], "county_office", prov, city, county, site, "我办"), forms, (county, "office")
    if kind == "county_dept":
        dept = rng.choice(LOCAL_DEPTS)
        forms = [f"{city}{county}{dept}", f"{county}{dept}"]
        return Agency(forms[0], "county_dept", prov, city, county, site, "本机关"), forms, (county, dept)
    if kind == "city":
        near["city"] = (prov, city, county)
        forms = [f"{prov}{city}人民政府", f"{city}人民政府"]
        return Agency(forms[1], "city", prov, city, None, site, "市政府"), forms, (city, "gov")
    if kind == "city_office":
        forms = [f"{prov}{city}人民政府办公室", f"{city}人民政府办公室", f"{city}政府办公室"]
        return Agency(forms[1], "city_office", prov, city, None, site, "我办"), forms, (city, "office")
    if kind == "city_dept":
        dept = rng.choice(LOCAL_DEPTS)
        forms = [f"{prov}{city}{dept}", f"{city}{dept}"]
        return Agency(forms[1], "city_dept", prov, city, None, site, "本机关"), forms, (city, dept)
    if kind == "province":
        near["province"] = (prov, city, county)
        forms = [f"{prov}人民政府", f"{prov}政府"]
        return Agency(forms[0], "province", prov, None, None, site, "省政府"), forms, (prov, "gov")
    if kind == "province_office":
        forms = [f"{prov}人民政府办公厅", f"{prov}政府办公厅"]
        return Agency(forms[0], "city_office", prov, None, None, site, "我厅"), forms, (prov, "office")
    if kind == "province_dept":
        dept = rng.choice(PROVINCE_DEPTS)
        forms = [f"{prov}{dept}"]
        return Agency(forms[0], "province_dept", prov, None, None, site, "本机关"), forms, (prov, dept)
    if kind == "town":
        town = rng.choice(TOWN_STEMS).replace("園", "园") + rng.choice(["镇人民政府", "乡人民政府"])
        forms = [f"{city}{county}{town}", f"{county}{town}"]
        return Agency(forms[1], "town", prov, city, county, site, "我镇"), forms, (county + town, "gov")
    # a zone whose 管委会 is its government (平潭综合实验区管委会 = 平潭综合实验区)
    stem = city[:-1] if "州" not in city else rng.choice(["临港", "滨河", "金岸"])
    zone = f"{stem}经济技术开发区"
    forms = [f"{city}{zone}管理委员会", f"{zone}管委会", f"{zone}"]
    return Agency(forms[1], "county", prov, city, zone, site, "管委会"), forms, (zone, "gov")


def plan_agencies(n: int, seed: int) -> list[SeriesAgency]:
    rng = random.Random(f"series:{seed}:agencies")
    out: list[SeriesAgency] = []
    taken: set[str] = set()
    near: dict = {"focus": focus_cities(rng)}
    twins = list(TWINS) if n >= 8 else []
    i = 0
    while len(out) < n:
        if twins and len(out) in (3, 7):
            prov, city, county = twins.pop(0)
            forms = [f"{prov}{city}{county}人民政府", f"{city}{county}人民政府"]
            ag = Agency(forms[1], "county", prov, city, county, "门户网站", county)
            key, kind = (county, "twin"), "twin"
        else:
            kind = KINDS[i % len(KINDS)]
            ag, forms, key = _agency(kind, rng, near)
            i += 1
        if forms[0] in taken or any(f in taken for f in forms):
            continue
        taken.update(forms)
        place = (ag.province, ag.city, ag.county if kind not in ("zone",) else None)
        if kind.startswith("province"):
            place = (ag.province, None, None)
        elif kind.startswith("city") or kind == "zone":
            place = (ag.province, ag.city, None)
        out.append(SeriesAgency(f"A{len(out):03d}", ag, forms, key, kind, place))
    # a short form that another agency could also print (two towns 城关镇 in one county, two zones
    # of one name) is dropped: no reader could tell them apart either
    counts: dict[tuple, int] = {}
    for a in out:
        counts[a.organ_key] = counts.get(a.organ_key, 0) + 1
    for a in out:
        if counts[a.organ_key] > 1:
            a.names = a.names[:1]
    return out


def place_gold(a: SeriesAgency, codes: dict) -> dict:
    """What the dataset must say of the agency's place: its division's code (a town: its county's; a
    zone: its city's), the level of its jurisdiction and its organ type."""
    prov, city, county = a.place
    code = TWIN_CODES.get(city) if a.kind == "twin" else codes.get((prov, city, county))
    return {"adcode": code, "province": prov, "city": city, "county": county if a.kind != "zone" else None,
            "level_zh": KIND_LEVEL[a.kind], "organ_type": KIND_ORGAN_TYPE[a.kind], "kind": a.kind}


def _set_carried_over(f: dict, col: str, target: int) -> None:
    """Make requests.carried_over[col] `target`, keeping every identity of the report: new_received
    absorbs the difference where it can, else the 予以公开 row does."""
    delta = target - f[f"requests.carried_over.{col}"]
    if not delta:
        return
    f[f"requests.carried_over.{col}"] += delta
    f["requests.carried_over.total"] += delta
    new = f"requests.new_received.{col}"
    if delta < 0 or f[new] >= delta:
        f[new] -= delta
        f["requests.new_received.total"] -= delta
    else:
        for k in (f"requests.result.disclosed.{col}", "requests.result.disclosed.total",
                  f"requests.result.total.{col}", "requests.result.total.total"):
            f[k] += delta


def gold_breaks(series: dict[int, dict], fmt_of: dict[int, str]) -> list[dict]:
    """The cross-year breaks in one agency's final values, worked out here on their own."""
    out = []
    for t in sorted(series):
        if t - 1 not in series:
            continue
        prev, cur = series[t - 1], series[t]
        for c in REQ_COLS:
            if cur[f"requests.carried_over.{c}"] != prev[f"requests.carried_forward.{c}"]:
                out.append({"identity": "cross_year.carry_over", "prev_year": t - 1, "year": t,
                            "key": f"requests.carried_over.{c}"})
        if fmt_of[t] == fmt_of[t - 1] == "2021":
            for r in IN_FORCE_ROWS:
                want = prev[f"active.{r}.in_force"] + cur[f"active.{r}.issued"] - cur[f"active.{r}.repealed"]
                if cur[f"active.{r}.in_force"] != want:
                    out.append({"identity": "cross_year.in_force", "prev_year": t - 1, "year": t,
                                "key": f"active.{r}.in_force"})
    return out


def _sha(*parts) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()


BLANK_TOTAL_ROWS = [r.id for r in schema.rows("requests", "2021") if r.id.startswith("result.") and r.id != "result.total"]
UNREAD_ROW = "result.withheld.process_info"     # a row the reader could not split (as 上海市科委 2024)


def output_json(c, printed: str, path: str, sha: str, kind: str = "digital_pdf", pages: int = 6,
                unread: set[str] = frozenset(), misread: dict[str, int] | None = None,
                page_range: list[int] | None = None, blank_totals: bool = False, unread_row: bool = False) -> dict:
    """What `nianbao extract` writes for a report it read (with `unread` cells null, `misread` ones
    read as another value and flagged as broken by the report's own identity). `blank_totals`: the
    report printed the 总计 column blank on its result rows (上海市人民政府办公厅 2019): those cells
    read as blank 0 with one requests.blank_total flag. `unread_row`: one result row unreadable."""
    misread = misread or {}
    fields = {}
    blank = {f"requests.{r}.total" for r in BLANK_TOTAL_ROWS if f"requests.{r}.total" in c.fields} if blank_totals \
        else set()
    row_unread = {k for k in c.fields if k.startswith(f"requests.{UNREAD_ROW}.")} if unread_row else set()
    for i, (k, v) in enumerate(c.fields.items()):
        if k in unread or k in row_unread:
            fields[k] = {"value": None, "confidence": 0.0, "verified": None, "page": None, "bbox": None, "text": "",
                         "reason": "not_found" if k in unread else "unreadable: row given 14 numbers for 7 columns"}
            continue
        if k in blank:
            fields[k] = {"value": 0, "confidence": 0.9, "verified": None, "page": 3 + i // 80, "bbox": None,
                         "text": "", "blank": True}
            continue
        val = misread.get(k, v)
        fields[k] = {"value": val, "confidence": 0.6 if k in misread else 0.99,
                     "verified": False if k in misread else True, "page": 3 + i // 80,
                     "bbox": [100.0, 100.0 + (i % 80) * 8, 130.0, 107.0 + (i % 80) * 8], "text": str(val)}
    metrics = {}
    for mid in schema.metric_ids():
        v = c.metrics.get(mid)
        metrics[mid] = {"value": v, "approx": False, "unit": schema.metric_unit(mid), "page": 1 if v is not None else None,
                        "bbox": [], "evidence": "" if v is None else f"{v}", "confidence": 0.9 if v is not None else 0.0}
    cells = list(fields.values())
    flags = []
    if blank:
        flags.append({"identity": "requests.blank_total", "keys": sorted(blank), "printed": 0,
                      "expected": sum(c.fields[k] for k in blank),
                      "message": f"办理结果各行的总计栏均留空（按 0 读取）：各行分项之和合计为 {sum(c.fields[k] for k in blank)}，"
                                 "这些行的总计未作核对"})
    source = {"path": path, "sha256": sha, "kind": kind, "pages": pages}
    if page_range:
        source["page_range"] = page_range
    return {"source": source, "agency": printed, "year": c.year, "format": c.fmt, "model": None, "variants": [],
            "verification": {"cells": len(cells), "verified": sum(x["verified"] is True for x in cells),
                             "broken": sum(x["verified"] is False for x in cells),
                             "unchecked": sum(x["verified"] is None for x in cells)},
            "fields": fields, "metrics": metrics, "flags": flags, "errors": [], "warnings": [], "timings_ms": {},
            **({"variants": ["blank_totals"]} if blank else {})}


def make_series(n: int, years: int, seed: int = 0, start: int = 2019, break_rate: float = 0.12,
                copy_rate: float = 0.06, error_records: int = 3, blank_rate: float = 0.05, unread_rate: float = 0.05):
    """Yield (file name, output dict, content) per output, and return the gold (a generator's value)."""
    rng = random.Random(f"series:{seed}:plan")
    agencies = plan_agencies(n, seed)
    codes = division_codes()
    gold = {"seed": seed, "agencies": [], "reports": [], "breaks": [], "planted": [], "conflicts": [],
            "error_records": [], "years": list(range(start, start + years))}
    contents = []
    for a in agencies:
        series, fmt_of = {}, {}
        names_used = []
        prev = None
        for t in range(start, start + years):
            c = generate(f"{a.gold_id}-{t}", seed, error_rate=0.0, agency=a.agency, year=t)
            f = c.fields
            if prev is not None:
                for col in REQ_PARTS:
                    _set_carried_over(f, col, prev.fields[f"requests.carried_forward.{col}"])
                if c.fmt == prev.fmt == "2021":
                    for r in IN_FORCE_ROWS:
                        was = prev.fields[f"active.{r}.in_force"]
                        issued = f[f"active.{r}.issued"]
                        f[f"active.{r}.repealed"] = min(f[f"active.{r}.repealed"], was + issued)
                        f[f"active.{r}.in_force"] = was + issued - f[f"active.{r}.repealed"]
                if rng.random() < break_rate:
                    kinds = ["carry_over"] + (["in_force"] if c.fmt == prev.fmt == "2021" else [])
                    kind = rng.choice(kinds)
                    if kind == "carry_over":
                        col = rng.choice(REQ_PARTS[:2])
                        now = f[f"requests.carried_over.{col}"]
                        d = rng.choice([1, 2, 3] + ([-1] if now else []))
                        _set_carried_over(f, col, now + d)
                        gold["planted"].append({"agency": a.gold_id, "identity": "cross_year.carry_over",
                                                "prev_year": t - 1, "year": t, "keys": [f"requests.carried_over.{col}",
                                                                                        "requests.carried_over.total"]})
                    else:
                        r = rng.choice(IN_FORCE_ROWS)
                        k = f"active.{r}.in_force"
                        d = rng.choice([-3, -1, 1, 2, 5, 12])
                        f[k] = max(0, f[k] + d) if f[k] + d != f[k] and f[k] + d >= 0 else f[k] + abs(d)
                        gold["planted"].append({"agency": a.gold_id, "identity": "cross_year.in_force",
                                                "prev_year": t - 1, "year": t, "keys": [k]})
            if "requests_received" in c.metrics:
                c.metrics["requests_received"] = f["requests.new_received.total"]
            bad = violations(f, c.metrics, c.fmt, c.prose_no_appeals)
            assert not bad, f"{a.gold_id} {t}: a series report must hold every identity: {bad[0].text}"
            printed = a.names[rng.randrange(len(a.names))] if t > start else a.names[0]
            if rng.random() < 0.08:
                printed = "标题:" + printed        # a scraped page's label left on the title
            names_used.append(printed)
            c.agency = replace(a.agency, name=printed)
            series[t], fmt_of[t] = dict(f), c.fmt
            contents.append((a, c, printed))
            prev = c
        for b in gold_breaks(series, fmt_of):
            gold["breaks"].append({"agency": a.gold_id, **b})
        gold["agencies"].append({"id": a.gold_id, "level": a.agency.level, "names": a.names, "printed": names_used,
                                 **place_gold(a, codes)})
    # one file holding two reports (a binder): two agencies' last-year reports
    binder = {id(x[1]) for x in contents if x[1].year == start + years - 1}
    binder = [x for x in contents if id(x[1]) in binder][:2] if n >= 2 else []
    binder_ids = {id(x[1]) for x in binder}
    # reports as real agencies print them (a blank 总计 column, a row the reader could not split), on
    # reports that have no second copy (a copy's merge is tested on its own); their own random stream
    vrng = random.Random(f"series:{seed}:variants")
    gold["printed_variants"] = []
    for a, c, printed in contents:
        stem = f"{a.gold_id}-{c.year}"
        copy_now = rng.random() < copy_rate
        blank_totals = not copy_now and vrng.random() < blank_rate
        unread_row = not copy_now and not blank_totals and vrng.random() < unread_rate
        if id(c) in binder_ids:
            k = [id(x[1]) for x in binder].index(id(c))
            out = output_json(c, printed, "reports/binder.pdf", _sha("binder", seed), pages=12,
                              page_range=[1 + 6 * k, 6 + 6 * k], blank_totals=blank_totals, unread_row=unread_row)
        else:
            out = output_json(c, printed, f"reports/{stem}.pdf", _sha(stem, seed, "pdf"), blank_totals=blank_totals,
                              unread_row=unread_row)
        name = f"{stem}.json"
        if blank_totals or unread_row:
            gold["printed_variants"].append({"file": name, "variant": "blank_totals" if blank_totals else "unread_row"})
        gold["reports"].append({"file": name, "agency": a.gold_id, "year": c.year, "format": c.fmt, "copy_of": None,
                                "page_range": out["source"].get("page_range")})
        yield name, out, c
        if copy_now:
            keys = [k for k in c.fields if k.startswith("requests.result.disclosed.")]
            unread = set(rng.sample(sorted(c.fields), 12))
            k = rng.choice(keys)
            misread = {k: c.fields[k] + rng.choice([1, 2, 10])}
            unread.discard(k)
            copy = output_json(c, printed, f"reports/{stem}.txt", _sha(stem, seed, "txt"), kind="text", pages=0,
                               unread=unread, misread=misread)
            gold["reports"].append({"file": f"{stem}.text.json", "agency": a.gold_id, "year": c.year,
                                    "format": c.fmt, "copy_of": name, "page_range": None})
            gold["conflicts"].append({"files": [name, f"{stem}.text.json"], "keys": sorted(misread)})
            yield f"{stem}.text.json", copy, None
    for k in range(error_records):
        name = f"broken-{k}.json"
        out = {"source": {"path": f"reports/broken-{k}.pdf", "sha256": _sha("broken", k, seed), "kind": "digital_pdf",
                          "pages": 0},
               "errors": [{"stage": "ingest", "message": "PDF is encrypted; cannot read it without the password"}],
               "timings_ms": {}}
        gold["error_records"].append(name)
        yield name, out, None
    return gold


def write_series(n: int, years: int, out: str | Path, seed: int = 0, render: int = 0, **kw) -> dict:
    """Write OUT/outputs/*.json, OUT/gold.json and, for the first `render` agencies, OUT/docs/*.pdf."""
    out = Path(out)
    (out / "outputs").mkdir(parents=True, exist_ok=True)
    rendered = set()
    gen = make_series(n, years, seed, **kw)
    while True:
        try:
            name, data, c = next(gen)
        except StopIteration as stop:
            gold = stop.value
            break
        write_atomic(out / "outputs" / name, json.dumps(data, ensure_ascii=False, indent=1))
        if c is not None and int(name[1:4]) < render and name.count(".") == 1:
            _render_pdf(c, out / "docs" / name.replace(".json", ".pdf"), seed)
            rendered.add(name)
    gold["rendered"] = sorted(rendered)
    write_atomic(out / "gold.json", json.dumps(gold, ensure_ascii=False, indent=1))
    return gold


def _render_pdf(c, path: Path, seed: int) -> None:
    import os

    from . import fonts, render, styles
    fonts.check_installed()
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{path.stem}:render")
    style = styles.jitter(styles.get("song_plain"), rng)
    tmp = path.with_name(path.name + ".tmp")
    render.render(c, style, str(tmp), rng)
    os.replace(tmp, path)
