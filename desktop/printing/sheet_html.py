"""The HTML of a crew route sheet: page header, first-page summary with map, stop-table rows.

Qt's rich-text subset (QTextDocument): tables with percentage widths, bgcolor, inline images
from document resources. Sizes: fonts in points, images in CSS pixels (1/96 inch); the layout
scales both to the printer's resolution.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from caseload.planning.sheets import CrewSheet, SheetStop

MAP_RESOURCE = "sheet://map"
QR_PX = 66  # printed size of a QR code: ~0.69 inch (modules ~0.6 mm, fine for phone cameras)
MAP_HEIGHT_PX = 260  # ~2.7 inch

COLUMNS: tuple[tuple[str, int], ...] = (
    ("#", 5),
    ("Time", 11),
    ("Client", 16),
    ("Where to find them", 17),
    ("Why / purpose", 19),
    ("Safety", 11),
    ("Navigate", 9),
    ("Outcome", 12),
)

STYLE = """
body { font-family: 'DejaVu Sans'; font-size: 8.5pt; color: #000; }
th { background-color: #d9d9d9; font-size: 7.5pt; font-weight: bold; text-align: left; }
td { vertical-align: top; }
.seq { font-size: 13pt; font-weight: bold; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.eta { font-size: 11pt; font-weight: bold; }
.small { font-size: 7.5pt; }
.name { font-size: 9.5pt; font-weight: bold; }
.safety { font-weight: bold; }
"""

SAFETY_BG = "#ffe066"
# A safety note longer than this starts in its stop's (narrow) Safety cell and goes on in
# full-width rows below the stop of at most SAFETY_ROW_CHARS each (well under a page).
SAFETY_CELL_CHARS = 160
SAFETY_ROW_CHARS = 1200
LINE_CHARS = 60  # what a line break costs in the budgets above
ZEBRA_BG = "#f2f2f2"


def qr_resource(seq: int) -> str:
    return f"sheet://qr/{seq}"


def hhmm(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment:%H:%M}"


def duration_text(seconds: int) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>")


def header_html(sheet: CrewSheet) -> str:
    """Repeated at the top of every page of the sheet."""
    members = " + ".join(sheet.members) or "(no members on file)"
    shift = (
        f"{hhmm(sheet.shift_start)}–{hhmm(sheet.shift_end)}"
        if sheet.shift_start is not None
        else "not on file"
    )
    base = escape(sheet.base_name) or "(no base on file)"
    printed = f"{sheet.printed_at:%d %b %Y %H:%M}"
    day = f"{sheet.plan_date:%A %d %B %Y}"
    if sheet.phi_minimised:
        banner = (
            "PHI-MINIMISED SHEET: initials only, no phone numbers or ages. "
            "Still confidential: it shows where clients are. Shred after use."
        )
        banner_bg = "#dde8f7"
    else:
        banner = (
            "CONFIDENTIAL: contains protected health information. "
            "Keep it with you; do not leave it in the vehicle; shred after use."
        )
        banner_bg = "#f7dede"
    return f"""
<table width="100%" cellspacing="0" cellpadding="1">
<tr>
  <td width="60%"><span style="font-size:17pt; font-weight:bold">{escape(sheet.crew_name)}</span>
  &nbsp;&nbsp;<span style="font-size:12pt; font-weight:bold">{day}</span></td>
  <td width="40%" align="right" class="small">{escape(sheet.program_name)}<br>
  Plan version {sheet.plan_version} · printed {printed} by {escape(sheet.printed_by)}</td>
</tr>
<tr><td colspan="2" style="font-size:9.5pt">Crew: <b>{escape(members)}</b> &nbsp;·&nbsp;
 Shift: <b>{shift}</b> &nbsp;·&nbsp; Base: <b>{base}</b></td></tr>
<tr><td colspan="2" bgcolor="{banner_bg}" class="small">{banner}</td></tr>
</table>"""


def totals_text(sheet: CrewSheet) -> str:
    driving = duration_text(sheet.driving_s)
    finish = hhmm(sheet.finish_at)
    return (
        f"<b>{sheet.total_stops}</b> stop{'s' if sheet.total_stops != 1 else ''} · "
        f"driving <b>{driving}</b> · back at base <b>{finish}</b>"
    )


def intro_html(sheet: CrewSheet, map_width_px: int) -> str:
    """First page only: the totals line and the route map."""
    return f"""
<p style="font-size:10pt; margin-top:4px; margin-bottom:4px">{totals_text(sheet)}</p>
<table width="100%" cellspacing="0" cellpadding="0"><tr><td>
<img src="{MAP_RESOURCE}" width="{map_width_px}" height="{MAP_HEIGHT_PX}"></td></tr>
<tr><td class="small">Map: <b>B</b> = base, numbers = stop order, arrows = direction.
Straight lines between stops, not roads. Scan a stop's QR code to navigate.</td></tr></table>
<p style="font-size:4pt">&nbsp;</p>"""


def table_start() -> str:
    heads = "".join(f'<th width="{pct}%">{escape(title)}</th>' for title, pct in COLUMNS)
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        'style="border-color:#555; border-style:solid">'
        f"<thead><tr>{heads}</tr></thead><tbody>"
    )


TABLE_END = "</tbody></table>"


def _time_cell(stop: SheetStop) -> str:
    parts = [f'<span class="eta">{hhmm(stop.eta)}</span>']
    if stop.departure is not None and stop.eta is not None:
        minutes = round((stop.departure - stop.eta).total_seconds() / 60)
        parts.append(f'<span class="small nowrap">{minutes} min visit</span>')
    if stop.window_start is not None and stop.window_end is not None:
        parts.append(
            f'<span class="small"><b>Window<br><span class="nowrap">{hhmm(stop.window_start)}–'
            f"{hhmm(stop.window_end)}</span></b></span>"
        )
    if stop.deadline:  # a first-contact deadline, and how late the plan is for it
        parts.append(f'<span class="small"><b>{_text(stop.deadline)}</b></span>')
    return "<br>".join(parts)


def _client_cell(stop: SheetStop) -> str:
    parts = [f'<span class="name">{_text(stop.client_name)}</span>']
    if stop.age is not None:
        parts.append(f"age {stop.age}")
    if stop.phone:
        # Never wrapped: a phone number broken over two lines gets misdialled.
        parts.append(f'<span class="nowrap">{_text(stop.phone).replace(" ", "&nbsp;")}</span>')
    return "<br>".join(parts)


def _why_cell(stop: SheetStop) -> str:
    tier = ""
    if stop.tier == "MUST":
        tier = '<span style="color:#b00000; font-weight:bold">MUST</span> '
    elif stop.tier == "HIGH":
        tier = "<b>HIGH</b> "
    parts = [f"{tier}<b>{_text(stop.visit_purpose or 'Visit')}</b>"]
    parts += [f'<span class="small">• {_text(reason)}</span>' for reason in stop.reasons]
    return "<br>".join(parts)


def _outcome_cell() -> str:
    return (
        '<span class="small" style="color:#444">☐ Seen<br>☐ Not found<br>☐ Refused'
        "<br>Time ______</span>"
    )


def _words_in_pieces(line: str, first: int, chars: int) -> list[str]:
    pieces: list[str] = []
    rest, limit = line.strip(), first
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit  # a "word" longer than a piece is cut
        pieces.append(rest[:cut].rstrip())
        rest, limit = rest[cut:].lstrip(), chars
    pieces.append(rest)
    return pieces


def split_note(note: str, first_chars: int, chars: int) -> list[str]:
    """`note` in pieces at word and line boundaries: the first worth at most `first_chars`
    characters, the others `chars` (a line break counts as a short line of LINE_CHARS, so a
    note of many short lines is split too). Every word of the note is in the pieces, in order."""
    pieces: list[str] = []
    current: list[str] = []
    used, limit = 0, first_chars
    for line in note.strip().splitlines():
        cost = max(len(line), LINE_CHARS)
        if current and used + cost > limit:
            pieces.append("\n".join(current))
            current, used, limit = [], 0, chars
        if cost > limit - used:  # one long line: words across pieces
            *done, line = _words_in_pieces(line, limit - used, chars)
            if done:
                pieces.append("\n".join([*current, done[0]]))
                pieces.extend(done[1:])
                current, limit = [], chars
            cost = max(len(line), LINE_CHARS)
            used = 0
        current.append(line)
        used += cost
    pieces.append("\n".join(current))
    return pieces


def continuation_html(stop: SheetStop, piece: str) -> str:
    """A full-width row carrying more of a long safety note under its stop."""
    return (
        f'<tr><td colspan="{len(COLUMNS)}" bgcolor="{SAFETY_BG}" class="safety">'
        f"⚠ Stop {stop.seq} safety note (continued): {_text(piece)}</td></tr>"
    )


def rows_html(stop: SheetStop, index: int) -> list[str]:
    """The stop's table row, then (for a long safety note) full-width rows carrying the rest of
    the note. Each row fits on a page, so a note of any length prints in full, flowing onto the
    next page where it must; every row after the first says "continued"."""
    pieces = split_note(stop.safety_notes, SAFETY_CELL_CHARS, SAFETY_ROW_CHARS)
    if len(pieces) == 1:
        return [row_html(stop, index)]
    return [
        row_html(stop, index, safety_cell=pieces[0] + " … (continued below)"),
        *(continuation_html(stop, piece) for piece in pieces[1:]),
    ]


def row_html(stop: SheetStop, index: int, *, safety_cell: str | None = None) -> str:
    """One stop as a table row. `index` (0-based) shades every other row; `safety_cell` replaces
    the safety notes shown in the row (the start of a long note)."""
    bg = f' bgcolor="{ZEBRA_BG}"' if index % 2 else ""
    notes = stop.safety_notes if safety_cell is None else safety_cell
    if notes:
        safety = f'<td bgcolor="{SAFETY_BG}" class="safety">⚠ {_text(notes)}</td>'
    else:
        safety = f'<td{bg} class="small">—</td>'
    qr = (
        f'<img src="{qr_resource(stop.seq)}" width="{QR_PX}" height="{QR_PX}">'
        if stop.navigation_url
        else '<span class="small">no position on file</span>'
    )
    return (
        f'<tr><td{bg} class="seq" align="center">{stop.seq}</td>'
        f"<td{bg}>{_time_cell(stop)}</td>"
        f"<td{bg}>{_client_cell(stop)}</td>"
        f"<td{bg}>{_text(stop.location_text)}</td>"
        f"<td{bg}>{_why_cell(stop)}</td>"
        f"{safety}"
        f'<td{bg} align="center">{qr}</td>'
        f"<td>{_outcome_cell()}</td></tr>"
    )


def empty_html() -> str:
    return '<p style="font-size:11pt">No stops are planned for this crew.</p>'
