"""maps.model: validation, the palette, label contrast and popup escaping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maps.model import (
    UNASSIGNED_COLOR,
    MapData,
    MapMarker,
    group_colors,
    label_color,
    palette,
    popup_html,
)
from routing.geo import LatLon

HERE = LatLon(36.0, -78.9)


@given(st.integers(min_value=0, max_value=60))
def test_palette_gives_n_distinct_colours_never_the_unassigned_grey(n: int) -> None:
    colors = palette(n)
    assert len(colors) == n
    assert len({c.upper() for c in colors}) == n
    assert UNASSIGNED_COLOR not in colors
    assert all(len(c) == 7 and c.startswith("#") for c in colors)


def test_palette_is_stable_and_prefix_consistent() -> None:
    """Adding a crew does not recolour the existing ones."""
    assert palette(5) == palette(12)[:5] == palette(5)


def test_group_colors_follow_first_appearance() -> None:
    colors = group_colors(["B", "A", "B", "C"])
    assert list(colors) == ["B", "A", "C"]
    assert colors["B"] == palette(1)[0]
    assert len(set(colors.values())) == 3


@pytest.mark.parametrize(
    ("fill", "text"), [("#000000", "#FFFFFF"), ("#FFFFFF", "#000000"), ("#0072B2", "#FFFFFF")]
)
def test_label_color_picks_the_readable_one(fill: str, text: str) -> None:
    assert label_color(fill) == text


def test_popup_html_escapes_user_text() -> None:
    markup = popup_html("<script>x</script>", [("Purpose", "a & b")])
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup and "a &amp; b" in markup


def test_marker_keys_must_be_unique() -> None:
    with pytest.raises(ValueError, match="repeated: a"):
        MapData(markers=(MapMarker("a", HERE), MapMarker("a", HERE)))


@pytest.mark.parametrize(
    "kwargs", [{"key": ""}, {"tier": "URGENT"}, {"kind": "depot"}, {"color": "red"}]
)
def test_marker_rejects_bad_values(kwargs: dict[str, str]) -> None:
    args = {"key": "k", "position": HERE, **kwargs}
    with pytest.raises(ValueError):
        MapMarker(**args)  # type: ignore[arg-type]
