"""Splitting a long safety note for the route sheet loses nothing and keeps pieces page-sized."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.printing.sheet_html import LINE_CHARS, split_note

notes = st.text(alphabet=st.sampled_from("ab ,.\n"), max_size=6000)


@given(notes)
def test_every_word_is_kept_in_order(note: str) -> None:
    pieces = split_note(note, 160, 1200)
    assert " ".join(pieces).split() == note.split()


@given(notes)
def test_each_piece_fits_its_budget(note: str) -> None:
    """Lines cost at least LINE_CHARS, so a note of many short lines is split as well."""
    pieces = split_note(note, 160, 1200)
    for i, piece in enumerate(pieces):
        limit = 160 if i == 0 else 1200
        lines = piece.split("\n")
        cost = sum(max(len(line), LINE_CHARS) for line in lines)
        assert cost <= max(limit, LINE_CHARS) or len(lines) == 1
        assert all(len(line) <= limit for line in lines)


def test_a_short_note_stays_whole() -> None:
    assert split_note("Dog on property; call ahead.", 160, 1200) == ["Dog on property; call ahead."]
