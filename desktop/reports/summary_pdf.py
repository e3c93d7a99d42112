"""The executive summary PDF: headline numbers, the before/after chart, every headline
measure with its one-line definition, and the suppression rule — one to two Letter pages.

QTextDocument + QPdfWriter (no network, works offscreen); the file is written beside the
target with mode 0600 and renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QFont, QImage, QPdfWriter, QTextDocument

from caseload.reports.measure import Group, Measure, shown
from caseload.reports.outcomes import WINDOWS
from caseload.reports.service import Report
from desktop.printing.pdf_file import require_complete_pdf
from desktop.printing.route_sheet import ensure_gui_application, page_layout_for
from desktop.reports.chart import BarGroup, draw_before_after_chart
from desktop.reports.trend_chart import TrendMonth, draw_trend_chart, trend_months

CHART = "report://chart"
TREND_CHART = "report://trend"
PDF_DPI = 150
STYLE = """
body { font-family: 'DejaVu Sans'; font-size: 8pt; }
h1 { font-size: 15pt; margin-bottom: 0; }
h2 { font-size: 10.5pt; margin-top: 10px; margin-bottom: 3px; }
th { background-color: #d9d9d9; text-align: left; font-size: 7.5pt; }
.big { font-size: 15pt; font-weight: bold; }
.cap { font-size: 7pt; color: #444; }
.def { font-size: 7pt; color: #333; }
"""
HEADLINES = (
    ("referrals", "Referrals received"),
    ("reach_rate", "Reached"),
    ("first_contact_within_deadline", "First contact on time"),
    ("caseload", "Clients on caseload"),
    ("cost_avoided", "Estimated cost avoided"),
)


def _find(report: Report, key: str) -> Measure | None:
    return next((m for m in report.measures if m.key == key and not m.subgroup), None) or next(
        (m for m in report.measures if m.key == key), None
    )


def chart_groups(report: Report) -> list[BarGroup]:
    """911 calls and ED visits per 100 client-months before/after, per window."""
    groups: list[BarGroup] = []
    below = report.suppress_below
    for kind, name in (("call_911", "911 calls"), ("ed_visit", "ED visits")):
        for span in WINDOWS:
            before = report.get(f"{kind}_before_{span}_rate", f"{span} days")
            after = report.get(f"{kind}_after_{span}_rate", f"{span} days")
            hidden = shown(before, below) if shown(before, below).startswith("n<") else ""
            groups.append(BarGroup(f"{name}\n{span} days", before.value, after.value, hidden))
    return groups


def summary_html(report: Report, program_name: str, printed: datetime) -> str:
    below = report.suppress_below
    p = report.period
    cells = []
    for key, caption in HEADLINES:
        m = _find(report, key)
        value = "n/a" if m is None else shown(m, below)
        cells.append(
            f'<td width="20%"><span class="big">{escape(value)}</span><br>'
            f'<span class="cap">{escape(caption)}</span></td>'
        )
    rows = "".join(_row(m, below) for m in _table_measures(report.measures))
    cohort = "".join(_cohort_row(report, span) for span in WINDOWS)
    return f"""
<h1>Outcomes report</h1>
<p><b>{escape(program_name)}</b> &middot; {escape(report.scope)} &middot;
{p.start:%d %b %Y} to {p.end:%d %b %Y} &middot; data as of {p.as_of:%d %b %Y %H:%M}
&middot; printed {printed:%d %b %Y %H:%M}</p>
<table width="100%" cellpadding="4"><tr>{"".join(cells)}</tr></table>
<p>{_caseload_line(report)}</p>
<h2>Utilization before and after enrolment</h2>
<p><img src="{CHART}" width="640" height="186"></p>
<table width="100%" cellpadding="2" cellspacing="0" border="0.5">
<tr><th>Window</th><th>Clients enrolled long enough</th><th>Not yet</th>
<th>911 calls before / after</th><th>ED visits before / after</th></tr>{cohort}</table>
<p class="def">Each client's "before" is the N days up to and including the enrolment day,
"after" the N days that follow; a client counts only once the whole "after" span has passed by
the period's end. Rates are per 100 client-months.</p>
<h2>Month by month</h2>
<p><img src="{TREND_CHART}" width="640" height="139"></p>
{_trend_table(trend_months(report.measures, below))}
<p class="def">Rates: 911 calls and ED visits of clients on the days they were enrolled
(after the enrolment day) per 100 client-months enrolled in that month.</p>
<h2>Measures</h2>
<table width="100%" cellpadding="2" cellspacing="0" border="0.5">
<tr><th width="30%">Measure</th><th width="10%">Value</th><th>Definition</th></tr>{rows}</table>
<p class="def"><b>Small numbers:</b> counts from 1 to {below - 1} are shown as "&lt;{below}",
and rates, times and costs resting on fewer than {below} people or visits as "n&lt;{below}";
where one count of a breakdown is small, the next smallest is "withheld" so it cannot be
worked out from the total; so no person can be recognised from this summary.
<b>Cost avoided is an estimate</b>: its assumptions are stated next to it and its unit costs
are program settings.</p>
"""


def _caseload_line(report: Report) -> str:
    """Caseload by tier on the last day and how enrolments ended, in one line."""
    below = report.suppress_below
    tiers = [m for m in report.measures if m.key == "caseload_tier"]
    reasons = [m for m in report.measures if m.key == "disenrolments" and m.subgroup]
    tier_text = ", ".join(f"{m.subgroup} {shown(m, below)}" for m in tiers)
    parts = [f"<b>Caseload on {report.period.end:%d %b} by priority:</b> {escape(tier_text)}"]
    grads, gone = _find(report, "graduations"), _find(report, "disenrolments")
    if grads is not None and gone is not None:
        why = "; ".join(f"{m.subgroup} {shown(m, below)}" for m in reasons)
        parts.append(
            f"<b>Ended in the period:</b> {escape(shown(grads, below))} graduated, "
            f"{escape(shown(gone, below))} disenrolled" + (f" ({escape(why)})" if why else "")
        )
    return " &middot; ".join(parts)


def _short(label: str) -> str:
    return f"{label[:3]} '{label[-2:]}"


def _trend_table(months: Sequence[TrendMonth]) -> str:
    short = len(months) > 6  # "Mar '26": a year of months still fits the page's width
    head = "".join(f"<th>{escape(_short(m.label) if short else m.label)}</th>" for m in months)
    rows = [("Visits completed", [m.visits.text for m in months])]
    rows += [
        (f"{name} (rate)", [m.rates[kind].text for m in months])
        for kind, name in (("call_911", "911 calls"), ("ed_visit", "ED visits"))
    ]
    body = "".join(
        f"<tr><td>{escape(label)}</td>{''.join(f'<td>{escape(v)}</td>' for v in values)}</tr>"
        for label, values in rows
    )
    return (
        '<table width="100%" cellpadding="2" cellspacing="0" border="0.5">'
        f'<tr><th width="18%"></th>{head}</tr>{body}</table>'
    )


def _table_measures(measures: Sequence[Measure]) -> list[Measure]:
    """The headline rows: totals (no subgroup) and the cost rows; the before/after counts sit in
    their own table above."""
    out = []
    for m in measures:
        if m.group is Group.OUTCOME and m.subgroup:
            continue
        if m.subgroup and m.group is not Group.COST:
            continue
        out.append(m)
    return out


def _row(m: Measure, below: int) -> str:
    note = f" {m.note}" if m.note else ""
    return (
        f"<tr><td>{escape(m.label)}</td><td><b>{escape(shown(m, below))}</b></td>"
        f'<td class="def">{escape(m.definition + note)}</td></tr>'
    )


def _cohort_row(report: Report, span: int) -> str:
    below = report.suppress_below
    sub = f"{span} days"
    cohort = report.get(f"cohort_{span}", sub)
    not_yet = cohort.note.split(" ", 1)[0]

    def pair(kind: str) -> str:
        b = report.get(f"{kind}_before_{span}_rate", sub)
        a = report.get(f"{kind}_after_{span}_rate", sub)
        return f"{escape(shown(b, below))} / {escape(shown(a, below))}"

    return (
        f"<tr><td>{span} days</td><td>{escape(shown(cohort, below))}</td><td>{not_yet}</td>"
        f"<td>{pair('call_911')}</td><td>{pair('ed_visit')}</td></tr>"
    )


def write_summary_pdf(
    report: Report,
    path: Path,
    *,
    program_name: str,
    paper_size: str = "Letter",
    printed: datetime | None = None,
) -> Path:
    """Write the summary; returns the path. Call `ensure_gui_application()` first in a worker;
    this calls it when run on the main thread."""
    ensure_gui_application()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)  # created private; QPdfWriter writes into it and keeps the mode
    try:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(PDF_DPI)
        writer.setPageLayout(page_layout_for(paper_size))
        writer.setCreator("MIH Rounds")
        writer.setTitle(f"Outcomes report {report.period.start} to {report.period.end}")
        doc = QTextDocument()
        chart = draw_before_after_chart(
            chart_groups(report),
            1380,
            400,
            title="911 calls and ED visits per 100 client-months",
        )
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART), chart)
        trend = draw_trend_chart(trend_months(report.measures, report.suppress_below), 1035, 225)
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(TREND_CHART), trend)
        doc.setDefaultFont(QFont("DejaVu Sans", 8))
        doc.setDefaultStyleSheet(STYLE)
        doc.setHtml(summary_html(report, program_name, printed or datetime.now().astimezone()))
        doc.print_(writer)
        del writer
        require_complete_pdf(tmp, path)  # a full disk cuts the file short without an error
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def trend_image(report: Report, width: int, height: int, *, suppress: bool) -> QImage:
    below = report.suppress_below if suppress else 0
    return draw_trend_chart(trend_months(report.measures, below), width, height)


def chart_image(report: Report, width: int, height: int) -> QImage:
    return draw_before_after_chart(
        chart_groups(report), width, height, title="911 calls and ED visits per 100 client-months"
    )
