"""How long can solving keep the UI thread waiting? (python -m tests.bench.ui_stall)

OR-Tools holds the GIL between its callbacks, so a search run in a thread can stall the UI
thread. The app searches in separate processes instead; this prints the longest gap a 5 ms
UI-like loop saw while a day was planned in a worker thread, with the search in-process
(workers=1) and in processes (workers=2). Figures, not assertions.
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.planning import service
from caseload.planning.candidates import day_candidates
from caseload.planning.crews import crews_on_shift
from caseload.planning.service import plan_day
from caseload.store.database import open_database

DAY = date(2026, 3, 10)


def longest_gap_while(work: threading.Thread) -> float:
    work.start()
    longest = 0.0
    last = time.perf_counter()
    while work.is_alive():
        time.sleep(0.005)
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    return longest


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="rounds-stall-"))
    db = open_database(f"sqlite:///{folder / 'r.db'}", create=True)
    actor = local_actor()
    create_demo(db, actor, seed=7, clients=2000, today=DAY)
    crews = crews_on_shift(db, DAY, actor)
    candidates = day_candidates(db, DAY, actor)
    chosen = [c.key for c in candidates if c.location is not None][:250]
    print(f"{len(chosen)} visits, {len(crews)} crews, 8 s search")
    for workers in (1, 2):
        service.SEARCH_PROCESSES = workers
        thread = threading.Thread(
            target=plan_day,
            args=(db, DAY, actor),
            kwargs={
                "selected": chosen,
                "time_limit_s": 8.0,
                "crews": crews,
                "candidates": candidates,
            },
        )
        gap = longest_gap_while(thread)
        print(f"  search processes {workers}: longest UI-thread stall {gap * 1000:.0f} ms")


if __name__ == "__main__":
    main()
