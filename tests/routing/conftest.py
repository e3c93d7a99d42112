"""A real ``osrm-routed`` on 127.0.0.1 for the OSRM provider tests.

The session fixture writes a tiny synthetic OSM street grid near downtown Durham NC (8 x 8
nodes, ~200 m blocks, residential streets) plus a short road that connects to nothing (an
"island", for ``null`` table cells), builds it with the MLD pipeline (osrm-extract with the
shipped car.lua, osrm-partition, osrm-customize: well under a second), starts
``osrm-routed --ip 127.0.0.1 --port <free> --algorithm mld``, waits until it answers and stops
it at teardown.

The OSRM executables come from ``bash scripts/ensure-osrm.sh`` (unpacked from the PyPI
``osrm-bindings`` wheel) in ``$ROUNDS_OSRM_DIR`` or ``<repo>/.cache/osrm``. Missing: the
tests fail when ``CI`` is set and skip otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from routing.geo import LatLon

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("osrm-extract", "osrm-partition", "osrm-customize", "osrm-routed")

GRID_N = 8
GRID_ORIGIN = LatLon(35.990, -78.910)
GRID_STEP_DEG = 0.002
# A two-node road ~6 km north-east of the grid, connected to nothing.
ISLAND = (LatLon(36.040, -78.860), LatLon(36.040, -78.858))


@dataclass(frozen=True)
class OsrmServer:
    """What the ``osrm_server`` fixture yields."""

    url: str
    grid: tuple[LatLon, ...]  # node positions, row-major (row = latitude step)
    island: tuple[LatLon, LatLon]  # the ends of the road that connects to nothing

    @staticmethod
    def node(row: int, col: int) -> LatLon:
        """The grid node in ``row`` (south to north) and ``col`` (west to east), 0..7."""
        return grid_node(row, col)


def grid_node(row: int, col: int) -> LatLon:
    return LatLon(
        round(GRID_ORIGIN.lat + row * GRID_STEP_DEG, 6),
        round(GRID_ORIGIN.lon + col * GRID_STEP_DEG, 6),
    )


def osrm_dir() -> Path:
    env = os.environ.get("ROUNDS_OSRM_DIR")
    return Path(env) if env else REPO / ".cache" / "osrm"


def _require_binaries() -> Path:
    base = osrm_dir()
    missing = [t for t in TOOLS if not os.access(base / "bin" / t, os.X_OK)]
    if not (base / "profiles" / "car.lua").is_file():
        missing.append("profiles/car.lua")
    if missing:
        message = (
            f"OSRM tools missing in {base} ({', '.join(missing)}); run: bash scripts/ensure-osrm.sh"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return base


def _write_grid(path: Path) -> None:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="rounds-tests">',
    ]

    def node_id(row: int, col: int) -> int:
        return 1 + row * GRID_N + col

    for row in range(GRID_N):
        for col in range(GRID_N):
            p = grid_node(row, col)
            lines.append(
                f'<node id="{node_id(row, col)}" version="1" lat="{p.lat:.6f}" lon="{p.lon:.6f}"/>'
            )
    island_ids = (10_001, 10_002)
    for nid, p in zip(island_ids, ISLAND, strict=True):
        lines.append(f'<node id="{nid}" version="1" lat="{p.lat:.6f}" lon="{p.lon:.6f}"/>')
    tag = '<tag k="highway" v="residential"/>'
    way_id = 1
    for row in range(GRID_N):
        refs = "".join(f'<nd ref="{node_id(row, c)}"/>' for c in range(GRID_N))
        lines.append(f'<way id="{way_id}" version="1">{refs}{tag}</way>')
        way_id += 1
    for col in range(GRID_N):
        refs = "".join(f'<nd ref="{node_id(r, col)}"/>' for r in range(GRID_N))
        lines.append(f'<way id="{way_id}" version="1">{refs}{tag}</way>')
        way_id += 1
    refs = "".join(f'<nd ref="{nid}"/>' for nid in island_ids)
    lines.append(f'<way id="{way_id}" version="1">{refs}{tag}</way>')
    lines.append("</osm>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(args: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}\n"
            f"{done.stderr[-2000:]}",
            pytrace=False,
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    probe = f"{url}/nearest/v1/car/{GRID_ORIGIN.lon},{GRID_ORIGIN.lat}"
    try:
        with urllib.request.urlopen(probe, timeout=1) as response:
            return bool(json.loads(response.read()).get("code") == "Ok")
    except urllib.error.HTTPError as exc:
        exc.close()
        return False
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def osrm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OsrmServer]:
    """URL and geometry of a running osrm-routed serving the test grid."""
    base = _require_binaries()
    work = tmp_path_factory.mktemp("osrm")
    env = dict(os.environ)
    if (base / "lib").is_dir():
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            p for p in (str(base / "lib"), env.get("LD_LIBRARY_PATH", "")) if p
        )
    osm = work / "grid.osm"
    _write_grid(osm)
    data = work / "grid.osrm"
    bin_dir = base / "bin"
    _run(
        [str(bin_dir / "osrm-extract"), "-p", str(base / "profiles" / "car.lua"), str(osm)],
        env,
        work,
    )
    _run([str(bin_dir / "osrm-partition"), str(data)], env, work)
    _run([str(bin_dir / "osrm-customize"), str(data)], env, work)

    log_path = work / "osrm-routed.log"
    for _attempt in range(3):  # a free port can be taken between probing and binding
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [
                    str(bin_dir / "osrm-routed"),
                    "--ip",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--algorithm",
                    "mld",
                    str(data),
                ],
                cwd=work,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            deadline = time.monotonic() + 15
            while proc.poll() is None and time.monotonic() < deadline:
                if _answers(url):
                    break
                time.sleep(0.02)
            if proc.poll() is None and _answers(url):
                grid = tuple(grid_node(r, c) for r in range(GRID_N) for c in range(GRID_N))
                yield OsrmServer(url=url, grid=grid, island=ISLAND)
                return
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    pytest.fail(
        f"osrm-routed did not start; its log:\n{log_path.read_text()[-3000:]}", pytrace=False
    )
