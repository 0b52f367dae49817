"""Figures and indicators: the numbers people publish, each from cells that were read.

A figure is the sum of named cells (予以公开 = requests.result.disclosed.total; 不予公开 = the eight
reason rows' totals). It is computed only when every one of its cells was read; otherwise it is
null and names the cells that are missing (`figure_values.missing`) and why. A 总计 cell left blank
or unread is derived from its row's applicant (or result) columns when all of them were read —
the row identity 总计 = the sum of its columns makes it so — and the figure says `derived`.
Every figure carries `complete` (all its cells read, none of them a guess) and `verified` (an
identity vouches for every cell, or for every part a derived total came from). A cell the extractor
read as one of several values the text allows (reason `ambiguous…` or confidence ≤ 0.5: GUESSED)
has a value, so the figure has one, but it is not `complete`: `guessed` counts such cells,
`guessed_cells` names them and `reason` says so. Counts are integers.

An indicator is a ratio of figures (formula in INDICATORS); it is null with the reason when its
numerator or denominator is not complete, or the denominator is 0.

Tables and views made here (see docs/dataset.md):
  figure_parts       format × figure × cell key (the formulas)
  figure_values      report × figure: value, complete, verified, derived, guessed, missing, reason
  figures            report: one column per figure (null when incomplete), complete, incomplete, derived
  indicator_values   report × indicator: value, numerator, denominator, reason
  indicators         report: one column per indicator
  figures_zh, indicators_zh   the same with Chinese column names
"""
from __future__ import annotations

from nianbao import schema
from nianbao.figures import (FIGURE_NAMES, FIGURE_ZH, FIGURES, ID_COLUMNS, INDICATOR_NAMES, INDICATOR_ZH,  # noqa: F401
                             INDICATORS, OTHER_2021, OTHER_AGGREGATE, formula)

def parts_rows() -> list[dict]:
    """figure_parts: alt 0 = always; 2021 其他处理: alt 1 = the aggregate row, alt 2 = its sub-rows."""
    rows = []
    for name, zh, by_fmt in FIGURES:
        for fmt in schema.FORMATS:
            keys = by_fmt.get(fmt)
            if not keys:
                continue
            alt = 2 if (name == "other_processed" and fmt == "2021") else 0
            for k in keys:
                rows.append({"format": fmt, "figure": name, "figure_zh": zh, "key": k, "alt": alt})
            if alt == 2:
                rows.append({"format": fmt, "figure": name, "figure_zh": zh, "key": OTHER_AGGREGATE, "alt": 1})
    return rows


# A 总计 cell blank or unread, with every part of its row read, takes the parts' sum (the row identity).
EFFECTIVE_SQL = """
CREATE OR REPLACE TEMP TABLE _cells_eff AS
WITH parts AS (
  SELECT report_id, tbl, "row", count(*) AS n, count(value) AS n_read, sum(value) AS s,
         bool_and(verified IS TRUE) AS all_verified, bool_or({guessed}) AS any_guessed
  FROM cells WHERE tbl IN ('requests', 'appeals') AND col <> 'total' GROUP BY ALL
), eff AS (
SELECT c.report_id, c.key, c.value, c.blank, c.reason, c.verified, c.confidence,
       (c.col = 'total' AND p.n > 0 AND p.n_read = p.n AND (c.value IS NULL OR (c.blank AND c.value <> p.s))) AS derived,
       p.all_verified, p.s AS parts_sum, p.any_guessed
FROM cells c LEFT JOIN parts p ON p.report_id = c.report_id AND p.tbl = c.tbl AND p."row" = c."row"
WHERE c.key IN (SELECT key FROM figure_parts)
)
SELECT * EXCLUDE (any_guessed), CASE WHEN derived THEN coalesce(any_guessed, FALSE)
                                     ELSE coalesce({guessed}, FALSE) END AS guessed
FROM eff
"""

# A cell read as one of several values the text allows (reason `ambiguous…`, or confidence ≤ 0.5:
# short_rows' placements under the most common applicants, a minus that may be a zero mark) is
# counted as read — it has a value — but a figure built from it is not `complete`: its number is a
# guess the extractor says it cannot vouch for.
GUESSED = "(value IS NOT NULL AND (coalesce(reason, '') LIKE 'ambiguous%' OR confidence <= 0.5))"
EFFECTIVE_SQL = EFFECTIVE_SQL.replace("{guessed}", GUESSED)

FIGURE_VALUES_SQL = """
CREATE OR REPLACE TABLE figure_values AS
WITH agg AS (   -- 2021 reports that print the single 其他处理 row
  SELECT DISTINCT report_id, TRUE AS has_aggregate FROM _cells_eff WHERE key = '{other}'
), want AS (
  SELECT r.report_id, r.agency_id, r.year, r.format, fp.figure, fp.figure_zh, fp.key
  FROM reports r JOIN figure_parts fp ON fp.format = r.format LEFT JOIN agg ON agg.report_id = r.report_id
  WHERE r.status = 'report' AND (fp.alt = 0 OR (fp.alt = 1) = coalesce(agg.has_aggregate, FALSE))
), vals AS (
  SELECT w.*, CASE WHEN e.derived THEN e.parts_sum ELSE e.value END AS value,
         coalesce(e.derived, FALSE) AS derived,
         CASE WHEN e.derived THEN e.all_verified ELSE e.verified IS TRUE END AS verified,
         coalesce(e.guessed, FALSE) AS guessed,
         e.reason, e.key IS NULL AS absent, fz.row_zh || '·' || fz.col_zh AS label
  FROM want w
  LEFT JOIN (SELECT DISTINCT format, key, row_zh, col_zh FROM fields) fz ON fz.format = w.format AND fz.key = w.key
  LEFT JOIN _cells_eff e ON e.report_id = w.report_id AND e.key = w.key
)
SELECT report_id, any_value(agency_id) AS agency_id, any_value(year) AS year, any_value(format) AS format,
       figure, any_value(figure_zh) AS figure_zh,
       CASE WHEN count(value) = count(*) THEN CAST(round(sum(value)) AS BIGINT) END AS value,
       count(value) = count(*) AND NOT bool_or(guessed) AS complete,
       count(value) = count(*) AND bool_and(verified) AND NOT bool_or(guessed) AS verified,
       count(*) FILTER (WHERE guessed) AS guessed,
       list(key ORDER BY key) FILTER (WHERE guessed) AS guessed_cells,
       bool_or(derived) AS derived,
       list(key ORDER BY key) FILTER (WHERE value IS NULL) AS missing,
       list(label ORDER BY key) FILTER (WHERE value IS NULL) AS missing_zh,
       CASE WHEN count(value) < count(*) THEN
         string_agg(DISTINCT CASE WHEN value IS NOT NULL THEN NULL WHEN absent THEN '未印出'
                                  ELSE coalesce(reason, '未读出') END, '；')
            WHEN bool_or(guessed) THEN '含猜测的格：' || string_agg(label, '、' ORDER BY key) FILTER (WHERE guessed)
       END AS reason,
       list(key ORDER BY key) FILTER (WHERE derived) AS derived_cells
FROM vals GROUP BY report_id, figure
"""


def _wide_sql() -> str:
    cols = ",\n  ".join(f"max(v.value) FILTER (WHERE v.figure = '{n}') AS {n}" for n in FIGURE_NAMES)
    ids = ", ".join(f"r.{c}" for c, _ in ID_COLUMNS)
    share = ("CASE WHEN requests_processed > 0 THEN (disclosed + partially_disclosed) / requests_processed END")
    return f"""
CREATE OR REPLACE TABLE figures AS
SELECT *, {share} AS disclosed_share FROM (
SELECT {ids},
  {cols},
  bool_and(v.complete) AS complete,
  list(v.figure ORDER BY v.figure) FILTER (WHERE NOT v.complete) AS incomplete,
  list(v.figure ORDER BY v.figure) FILTER (WHERE v.derived) AS derived
FROM reports r JOIN figure_values v ON v.report_id = r.report_id
GROUP BY ALL)
"""


def _indicator_sql() -> str:
    parts = []
    for name, zh, num, den in INDICATORS:
        def expr(figs):
            return " + ".join(f"f.{x}" for x in figs)

        def missing(figs, label):
            items = " || '、' || ".join(f"coalesce(m_{x}, '')" for x in figs)
            return f"'{label}未读出：' || regexp_replace(regexp_replace({items}, '、+', '、', 'g'), '^、|、$', '', 'g')"
        n, d = expr(num), expr(den)
        parts.append(f"""
SELECT f.report_id, f.agency_id, f.year, f.format, '{name}' AS indicator, '{zh}' AS indicator_zh,
       CAST({n} AS BIGINT) AS numerator, CAST({d} AS BIGINT) AS denominator,
       CASE WHEN ({d}) > 0 AND ({n}) IS NOT NULL THEN ({n}) / ({d}) END AS value,
       CASE WHEN ({d}) IS NULL THEN {missing(den, '分母')}
            WHEN ({d}) = 0 THEN '分母为 0'
            WHEN ({n}) IS NULL THEN {missing(num, '分子')} END AS reason
FROM _fm f""")
    return "CREATE OR REPLACE TABLE indicator_values AS" + "\nUNION ALL".join(parts)


# Rankings: each agency is ranked within the jurisdiction one level up, in one of two groups —
# the governments below it (a city's districts and counties, a county's towns and street offices, a
# province's cities) or its own departments and office (same adcode). Municipalities' districts
# (3101xx) rank under the municipality (310000). One report per agency and year (the year's format).
RANKINGS_SQL = """
CREATE OR REPLACE VIEW rankings AS
WITH one AS (
  SELECT r.* FROM reports r WHERE r.status = 'report' AND r.adcode IS NOT NULL AND r.year IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY r.agency_id, r.year
                             ORDER BY r.format <> CASE WHEN r.year >= 2021 THEN '2021' ELSE '2019' END, r.report_id) = 1
), m AS (
  SELECT one.report_id, one.agency_id, one.agency, one.adcode, one.level, one.organ_type, one.year,
    CASE WHEN one.organ_type IN ('government', 'zone', 'township') THEN
           CASE one.level WHEN '乡' THEN one.adcode
                          WHEN '县' THEN CASE WHEN substr(one.adcode, 1, 2) IN ('11', '12', '31', '50')
                                               THEN substr(one.adcode, 1, 2) || '0000'
                                               ELSE substr(one.adcode, 1, 4) || '00' END
                          WHEN '市' THEN substr(one.adcode, 1, 2) || '0000' END
         WHEN one.organ_type IN ('department', 'office') THEN one.adcode END AS jurisdiction,
    CASE WHEN one.organ_type IN ('department', 'office') THEN 'departments' ELSE 'governments' END AS "group"
  FROM one
)
SELECT m.jurisdiction, m."group", m.year, i.indicator, i.indicator_zh, m.agency_id, m.agency, m.adcode, m.level,
       m.organ_type, i.value, i.numerator, i.denominator, i.reason,
       CASE WHEN i.value IS NOT NULL THEN rank() OVER (PARTITION BY m.jurisdiction, m."group", m.year, i.indicator
                                                         ORDER BY i.value DESC) END AS rank,
       count(i.value) OVER w AS included, count(*) OVER w - count(i.value) OVER w AS excluded,
       m.report_id
FROM m JOIN indicator_values i ON i.report_id = m.report_id
WHERE m.jurisdiction IS NOT NULL
WINDOW w AS (PARTITION BY m.jurisdiction, m."group", m.year, i.indicator)
"""


def drop_view(con, name: str) -> None:
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND NOT internal", [name]).fetchone()[0]:
        con.execute(f"DROP VIEW {name}")


def derive(con) -> None:
    import pyarrow as pa
    from . import store
    rows = parts_rows()
    store.replace(con, "figure_parts", pa.Table.from_pylist(rows, schema=pa.schema(
        [("format", pa.string()), ("figure", pa.string()), ("figure_zh", pa.string()), ("key", pa.string()),
         ("alt", pa.int64())])))
    con.execute(EFFECTIVE_SQL)
    con.execute(FIGURE_VALUES_SQL.format(other=OTHER_AGGREGATE))
    drop_view(con, "figures")   # a view in datasets built before figures were checked
    con.execute(_wide_sql())
    # the figures with the cells each misses, for the indicators' reasons
    miss = ", ".join(f"array_to_string(any_value(v.missing_zh) FILTER (WHERE v.figure = '{n}'), '、') AS m_{n}"
                     for n in FIGURE_NAMES)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _fm AS SELECT f.*, {miss} FROM figures f "
                "JOIN figure_values v ON v.report_id = f.report_id GROUP BY ALL")
    con.execute(_indicator_sql())
    ind = ",\n  ".join(f"max(value) FILTER (WHERE indicator = '{n}') AS {n}" for n in INDICATOR_NAMES)
    ids = ", ".join(f"r.{c}" for c, _ in ID_COLUMNS)
    con.execute(f"""CREATE OR REPLACE VIEW indicators AS
        SELECT {ids}, {ind.replace('max(value)', 'max(i.value)').replace("indicator =", "i.indicator =")}
        FROM reports r JOIN indicator_values i ON i.report_id = r.report_id GROUP BY ALL""")
    con.execute("CREATE OR REPLACE VIEW figures_zh AS SELECT " + ", ".join(
        [f'{c} AS "{zh}"' for c, zh in ID_COLUMNS] + [f'{n} AS "{FIGURE_ZH[n]}"' for n in FIGURE_NAMES]
        + ['complete AS "全部读出"', 'incomplete AS "未读全的数"', 'derived AS "由分项推出的数"']) + " FROM figures")
    con.execute("CREATE OR REPLACE VIEW indicators_zh AS SELECT " + ", ".join(
        [f'{c} AS "{zh}"' for c, zh in ID_COLUMNS] + [f'{n} AS "{INDICATOR_ZH[n]}"' for n in INDICATOR_NAMES])
        + " FROM indicators")
    con.execute(RANKINGS_SQL)
    con.execute("DROP TABLE IF EXISTS _fm")
    con.execute("DROP TABLE IF EXISTS _cells_eff")
