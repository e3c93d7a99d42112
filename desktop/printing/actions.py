"""Printing from the app: options, then print preview, or one PDF per crew into a folder.

Building the sheets reads the database, so it runs in a worker; the preview paints on the UI
thread (Qt's print preview asks for pages there); PDFs are written in the worker (QPdfWriter and
QPainter on images are safe off the UI thread). The work runs on the calling widget's
`TaskRunner`, which keeps it alive and shows a failure in the app's error dialog."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from caseload.planning.sheets import CrewSheet, build_crew_sheets
from desktop.context import AppContext
from desktop.printing.preview import SheetPrintOptions, SheetPrintOptionsDialog, show_print_preview
from desktop.printing.route_sheet import write_crew_pdfs
from desktop.tasks import ProgressFn, TaskRunner


def _options(
    parent: QWidget, context: AppContext, crew_names: Sequence[str]
) -> SheetPrintOptions | None:
    dialog = SheetPrintOptionsDialog(
        parent,
        crew_names,
        phi_minimised=context.program.phi_minimised_sheets,
        paper_size=context.program.paper_size,
    )
    if dialog.exec() != SheetPrintOptionsDialog.DialogCode.Accepted:
        return None
    return dialog.options()


def _sheets(context: AppContext, plan_id: int, options: SheetPrintOptions) -> list[CrewSheet]:
    sheets = build_crew_sheets(
        context.db, plan_id, context.actor, phi_minimised=options.phi_minimised
    )
    return [s for s in sheets if s.crew_name in options.crews]


def print_plan(
    parent: QWidget,
    tasks: TaskRunner,
    context: AppContext,
    plan_id: int,
    crew_names: Sequence[str],
) -> None:
    """Ask what to print, then open the print preview (its Print button prints)."""
    options = _options(parent, context, crew_names)
    if options is None:
        return

    def build(_p: ProgressFn, _c: threading.Event) -> list[CrewSheet]:
        return _sheets(context, plan_id, options)

    def built(sheets: list[CrewSheet]) -> None:
        show_print_preview(
            parent, sheets, paper_size=options.paper_size, outline=context.program.outline()
        )

    tasks.run(build, built)


def save_plan_pdfs(
    parent: QWidget,
    tasks: TaskRunner,
    context: AppContext,
    plan_id: int,
    crew_names: Sequence[str],
) -> None:
    """Ask for a folder and options, then write one PDF per crew there in the background."""
    folder = QFileDialog.getExistingDirectory(parent, "Save route sheets as PDF into…")
    if not folder:
        return
    options = _options(parent, context, crew_names)
    if options is None:
        return

    def write(progress: ProgressFn, cancel: threading.Event) -> list[Path]:
        sheets = _sheets(context, plan_id, options)
        return write_crew_pdfs(
            sheets,
            folder,
            paper_size=options.paper_size,
            outline=context.program.outline(),
            progress=progress,
            cancel=cancel,
        )

    def written(paths: list[Path]) -> None:
        names = "\n".join(p.name for p in paths)
        QMessageBox.information(
            parent, "Route sheets saved", f"{len(paths)} PDF file(s) in {folder}:\n{names}"
        )

    tasks.run(write, written)
