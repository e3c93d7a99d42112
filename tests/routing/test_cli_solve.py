"""`rounds solve`: VROOM JSON in, VROOM JSON out; bad input exits 2 with a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from routing import assert_valid
from routing.vroom_json import problem_from_vroom, solution_from_vroom

DOC = {
    "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "time_window": [0, 10000]}],
    "jobs": [
        {"id": 5, "location_index": 1, "service": 60},
        {"id": 6, "location_index": 2, "service": 60, "skills": [3]},
    ],
    "matrices": {"car": {"durations": [[0, 100, 200], [100, 0, 100], [200, 100, 0]]}},
}


def test_solve_writes_a_valid_solution(tmp_path: Path) -> None:
    src, out = tmp_path / "p.json", tmp_path / "s.json"
    src.write_text(json.dumps(DOC))
    assert main(["solve", str(src), "-o", str(out), "--time-limit", "0.5"]) == 0
    doc = json.loads(out.read_text())
    problem = problem_from_vroom(DOC)
    assert_valid(problem, solution_from_vroom(problem, doc))
    assert doc["unassigned"][0]["reason_code"] == "no_skill"


def test_solve_with_coordinates_uses_the_default_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {
        "vehicles": [{"id": 1, "start": [-78.9, 35.99], "end": [-78.9, 35.99]}],
        "jobs": [{"id": 1, "location": [-78.91, 35.995], "service": 300}],
    }
    src = tmp_path / "p.json"
    src.write_text(json.dumps(doc))
    assert main(["solve", str(src), "--time-limit", "0.3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["cost"] > 0 and out["routes"][0]["steps"][1]["id"] == 1


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "invalid JSON at line 1"),
        (json.dumps({**DOC, "jobs": [{"id": 1, "location_index": 9}]}), "location index 9"),
        (
            json.dumps({**DOC, "jobs": [{"id": 1, "location_index": 0, "service": -1}]}),
            "jobs[0] (id 1).service",
        ),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    src = tmp_path / "p.json"
    src.write_text(content)
    assert main(["solve", str(src)]) == 2
    assert needle in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


BIG = 2**64 + 5  # beyond 64 bits


def _with(path: tuple[str | int, ...], value: object) -> dict[str, object]:
    doc = json.loads(json.dumps({
        **DOC,
        "vehicles": [{**DOC["vehicles"][0], "capacity": [10],  # type: ignore[index]
                      "breaks": [{"id": 1, "time_windows": [[100, 5000]], "service": 60}]}],
        "options": {"balance_cost": 0},
    }))  # fmt: skip
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("vehicles", 0, "time_window", 1), "vehicles[0] (id 1).time_window[1]"),
        (("vehicles", 0, "breaks", 0, "time_windows", 0, 1), ".breaks[0]"),
        (("vehicles", 0, "breaks", 0, "service"), ".breaks[0]"),
        (("vehicles", 0, "capacity", 0), "vehicles[0] (id 1).capacity"),
        (("vehicles", 0, "id"), "vehicles[0]"),
        (("jobs", 0, "service"), "jobs[0] (id 5).service"),
        (("matrices", "car", "durations", 0, 1), "matrices.car.durations[0][1]"),
        (("options", "balance_cost"), "options.balance_cost"),
    ],
)
def test_integers_beyond_64_bits_exit_2_saying_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: tuple[str | int, ...], where: str
) -> None:
    src = tmp_path / "p.json"
    src.write_text(json.dumps(_with(path, BIG)))
    assert main(["solve", str(src), "--time-limit", "0.2"]) == 2
    err = capsys.readouterr().err
    assert "must be at most" in err and where in err and "Traceback" not in err


def test_a_time_beyond_vroom_s_32_bit_range_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "p.json"
    src.write_text(json.dumps(_with(("jobs", 0, "time_windows"), [[0, 2**32]])))
    assert main(["solve", str(src), "--time-limit", "0.2"]) == 2
    assert "must be at most 4294967295, got 4294967296" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (json.dumps({**DOC, "description": json.loads("[" * 40 + "]" * 40)}),
         "nested more than 32 levels deep"),
        ('{"jobs": 1' + "0" * 5000 + "}", "number far too long"),
        (json.dumps(_with(("vehicles", 0, "time_window", 1), 1e300)), "a number of"),
    ],
)  # fmt: skip
def test_hostile_json_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    src = tmp_path / "p.json"
    src.write_text(content)
    assert main(["solve", str(src)]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and len(err) < 400
