"""The settings window's "Priority rules" tab: a form generated from the `PriorityRules` fields
(see `settings_fields.rule_fields`), in three columns of sections, and a Restore defaults button."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caseload.priority.rules import PriorityRules
from desktop.settings_fields import RESERVED, RuleField, balanced_columns
from desktop.settings_widgets import MnemonicForm, double_box, hint_label, set_float, spin_box

RULE_BOX_WIDTH = 100
RULE_COLUMNS = 3


class PriorityRulesTab(QWidget):
    """The rules form (empty until `build` gets the fields) above Restore defaults."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rule_widgets: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                "How each client's priority is worked out: points add up to the score; hover "
                "over a field for what it means. Changes apply the next time priorities are "
                "worked out."
            )
        )
        self.rules_area = QScrollArea()
        self.rules_area.setWidgetResizable(True)
        self.rules_area.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(self.rules_area, 1)
        self.restore_button = QPushButton("Restore &defaults")
        self.restore_button.setAutoDefault(False)
        self.restore_button.setToolTip("Put back the recommended rules (saved when you press OK)")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        layout.addLayout(row)

    def build(self, fields: Sequence[RuleField]) -> None:
        """Three columns of sections, as even in height as whole sections allow (every rule
        in view at 1366x768, none behind a scroll bar)."""
        body = QWidget()
        columns = QHBoxLayout(body)
        used = set(RESERVED) | {"d"}
        for part in balanced_columns(fields, RULE_COLUMNS):
            column = QWidget()
            form = MnemonicForm(column, used)
            form.layout.setVerticalSpacing(3)
            columns.addWidget(column, 1, Qt.AlignmentFlag.AlignTop)
            section = None
            for spec in part:
                if spec.section and spec.section != section:
                    heading = QLabel(f"<b>{spec.section}</b>")
                    heading.setWordWrap(True)
                    form.layout.addRow(heading)
                section = spec.section
                widget = self._rule_widget(spec)
                widget.setToolTip(spec.tooltip)
                form.row(spec.label, widget).setToolTip(spec.tooltip)
                self._rule_widgets[spec.name] = widget
        self.rules_area.setWidget(body)

    @staticmethod
    def _rule_widget(spec: RuleField) -> QWidget:
        if spec.kind is bool:
            return QCheckBox()
        box: QSpinBox | QDoubleSpinBox
        if spec.kind is int:
            box = spin_box(0, 100_000)
        elif spec.kind is float:
            box = double_box(0.0, 100_000.0, 1, 0.5)
        else:
            return QLineEdit()
        box.setFixedWidth(RULE_BOX_WIDTH)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        return box

    def set_values(self, rules: PriorityRules) -> None:
        for name, widget in self._rule_widgets.items():
            value = getattr(rules, name)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QDoubleSpinBox):
                set_float(widget, value)
            elif isinstance(widget, QSpinBox):
                widget.setValue(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))

    def edited(self, base: PriorityRules) -> PriorityRules:
        """`base` with every field the form shows replaced by what it shows."""
        values: dict[str, Any] = {}
        for name, widget in self._rule_widgets.items():
            if isinstance(widget, QCheckBox):
                values[name] = widget.isChecked()
            elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
                values[name] = widget.value()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text()
        return dataclasses.replace(base, **values)

    def rule_widget(self, name: str) -> QWidget:
        return self._rule_widgets[name]
