"""The caseload balance view's "Move a client by hand" box: pick a client and a clinician, read
the effect on both caseloads, add the move."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QPushButton, QScrollArea

from caseload.rebalance import MovePreview


class ManualMoveBox(QGroupBox):
    def __init__(self) -> None:
        super().__init__("Move a client by hand")
        self.client_combo = QComboBox()
        self.client_combo.setEditable(True)
        self.client_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target_combo = QComboBox()
        self.preview_label = QLabel("Pick a client and a clinician to see the effect.")
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.add_move_button = QPushButton("Add this move")
        self.add_move_button.setEnabled(False)
        preview_scroll = QScrollArea()
        preview_scroll.setWidgetResizable(True)
        preview_scroll.setWidget(self.preview_label)
        preview_scroll.setMinimumHeight(110)
        form = QFormLayout(self)
        form.addRow("Client", self.client_combo)
        form.addRow("To", self.target_combo)
        form.addRow(preview_scroll)
        form.addRow(self.add_move_button)


def preview_text(preview: MovePreview) -> str:
    """What moving the client would do: any rule it breaks, both caseloads before and after."""
    lines = [f"Not allowed: {p}" for p in preview.problems]
    if preview.from_before is not None and preview.from_after is not None:
        lines.append(
            f"{preview.from_before.name}: {preview.from_before.load_hours:.1f} -> "
            f"{preview.from_after.load_hours:.1f} h/wk of "
            f"{preview.from_before.capacity_hours:.1f}"
        )
    lines.append(
        f"{preview.to_before.name}: {preview.to_before.load_hours:.1f} -> "
        f"{preview.to_after.load_hours:.1f} h/wk of {preview.to_before.capacity_hours:.1f}"
    )
    lines.append(f"Client with {preview.to_before.name}:\n{preview.explain_to}")
    return "\n".join(lines)
