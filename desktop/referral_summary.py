"""The selected referral as the Referrals page's side panel shows it (HTML)."""

from __future__ import annotations

import html

from caseload.referrals.model import ReferralRow
from desktop.referrals_model import EVENT_WORDS, ReferralTableModel, status_text


def _e(text: object) -> str:
    return html.escape(str(text))


def referral_html(row: ReferralRow, model: ReferralTableModel) -> str:
    """The selected referral as the side panel shows it."""
    when = model.when  # the model's time format, in the program's zone
    parts = [
        f"<h3>{_e(row.name)}</h3>",
        f"<p><b>{_e(status_text(row))}</b>"
        f"{' — ' + _e(row.status_reason) if row.status_reason else ''}<br>"
        f"From {_e(row.source.label)}, received {_e(when(row.received_at))}</p>",
    ]
    if row.event_kind:
        event = EVENT_WORDS.get(row.event_kind, row.event_kind)
        parts.append(f"<p>Triggering event: {_e(event)} at {_e(when(row.event_at))}</p>")
    if row.reason:
        parts.append(f"<p>Reason: {_e(row.reason)}</p>")
    born = "" if row.date_of_birth is None else f"born {row.date_of_birth:%Y-%m-%d}"
    contact = ", ".join(p for p in (born, row.phone, row.address, row.city, row.zip) if p)
    parts.append(f"<p>{_e(contact or 'No contact details')}</p>")
    if row.client_name:
        parts.append(f"<p>Client: {_e(row.client_name)}</p>")
    if row.triaged_by:
        parts.append(f"<p>Triaged by {_e(row.triaged_by)} {_e(when(row.triaged_at))}</p>")
    if row.first_contact_at and row.time_to_first_contact is not None:
        hours = row.time_to_first_contact.total_seconds() / 3600
        parts.append(
            f"<p>First contact {_e(when(row.first_contact_at))} ({hours:.0f} h after the "
            "referral)</p>"
        )
    if row.contact_attempts:
        parts.append(f"<p>Attempts to reach: {row.contact_attempts}</p>")
    return "".join(parts)
