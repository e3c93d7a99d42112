"""Small Qt building blocks of the settings window's tabs: labelled form rows with shortcut
letters, wrapped hint lines, spin boxes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.settings_fields import RESERVED, with_mnemonic

HINT_STYLE = "color: #555555"
ERROR_STYLE = "color: #b71c1c"
OK_STYLE = "color: #1b5e20"
_GROWING = (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)


def set_float(box: QDoubleSpinBox, value: float) -> None:
    """Show `value` without rounding it away: more decimals when it has them (up to 4)."""
    needed = len(f"{value:.4f}".rstrip("0").partition(".")[2])
    box.setDecimals(max(box.decimals(), needed))
    box.setValue(value)


def hint_label(text: str) -> QLabel:
    """A grey, wrapped, selectable line of explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    # Expanding: QFormLayout lets only expanding fields grow; a wrapped label must, or it is cut.
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class MnemonicForm:
    """A QFormLayout whose labels get mnemonics and buddies."""

    def __init__(self, parent: QWidget | None, used: set[str] | None = None) -> None:
        """`used`: letters taken already (shared by several forms on one tab; default: the
        tabs' letters)."""
        self.layout = QFormLayout(parent)
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.used = set(RESERVED) if used is None else used

    def row(
        self,
        text: str,
        field: QWidget,
        buddy: QWidget | None = None,
        hints: Sequence[QLabel | str] = (),
    ) -> QLabel:
        """A labelled row; `hints` are shown under the field (in the field's own column, so
        wrapped text gets the full width and no stray gaps)."""
        label = QLabel(with_mnemonic(text, self.used))
        label.setBuddy(buddy or field)
        if hints:
            box = QWidget()
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            expanding = field.sizePolicy().horizontalPolicy() in _GROWING
            column.addWidget(
                field, 0, Qt.AlignmentFlag(0) if expanding else Qt.AlignmentFlag.AlignLeft
            )
            for hint in hints:
                column.addWidget(hint_label(hint) if isinstance(hint, str) else hint)
            field = box
        self.layout.addRow(label, field)
        return label


def spin_box(low: int, high: int, suffix: str = "", step: int = 1) -> QSpinBox:
    """A whole-number box from `low` to `high`."""
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    return box


def double_box(
    low: float, high: float, decimals: int, step: float, suffix: str = ""
) -> QDoubleSpinBox:
    """A decimal box from `low` to `high` showing `decimals` places."""
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    return box
