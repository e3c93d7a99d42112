"""Client text (names, reasons, notes) shown as typed, never run as Qt rich text.

Qt shows a tooltip or an auto-format label as HTML when the text looks like it
(`Qt.mightBeRichText`): a name typed as `<img src=…>` or `<b>…` would render, fetch or hide text.
Such text is escaped and wrapped so it renders exactly as typed; ordinary text is unchanged.
"""

from __future__ import annotations

from html import escape

from PySide6.QtGui import Qt


def plain_tooltip(text: str | None) -> str | None:
    """`text` as a tooltip that shows these very characters (None stays None: no tooltip)."""
    if not text or not Qt.mightBeRichText(text):
        return text
    return f'<p style="white-space:pre-wrap">{escape(text)}</p>'
