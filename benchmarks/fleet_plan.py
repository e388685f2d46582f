"""Fleet planning at scale: plan time against polars just reading the same fleet file.

    .venv/bin/python benchmarks/fleet_plan.py [--sizes 1000000,10000000,30000000] [--explain]
        [--shuffle-ids]

For each fleet size and file layout, a fresh worker process (so peak memory is its own):
1. reads the fleet file with polars (all columns as text): the baseline;
2. plans it with `firpath.services.fleet_plan.plan_fleet` (read, resolve, plan, join, write);
3. reports plan time / read time (goal <= 2.0) and the worker's peak RSS (goal < 8 GiB at 30M).
Then a naive baseline: networkx shortest_path per device on a sample, extrapolated, to give
the speed-up of planning once per (device model, current entry). With --explain, each worker
run is followed by one planning with `explain=True` (the five explanation columns), shown as
its own time and its ratio to the plain plan.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx
import polars as pl
from rich.console import Console
from rich.table import Table

from firpath.domain.firmware_lookup import FirmwareIndex
from firpath.domain.fleet_plan import FleetPlanner
from firpath.samples.catalogue import demo_catalogue
from firpath.services.database import initialise
from firpath.services.fleet_plan import plan_fleet
from firpath.services.import_cpl import import_entries
from firpath.store.engine import open_engine

CATALOGUE_ENTRIES = 5000
SEED = 2026
LAYOUTS = ("id.csv", "id.parquet", "model.csv")


def make_catalogue(folder: Path) -> str:
    url = f"sqlite:///{folder / 'cpl.db'}"
    engine = open_engine(url)
    initialise(engine)
    import_entries(
        engine, demo_catalogue(CATALOGUE_ENTRIES, SEED).entries, source="bench", actor="bench"
    )
    engine.dispose()
    return url


def make_fleet(n: int, layout: str, folder: Path, shuffle_ids: bool = False) -> Path:
    """n devices; firmware drawn with a skew (popular builds), 0.1 % malformed rows; device
    ids in sorted order (as exports often are) or, with `shuffle_ids`, in random order."""
    entries = demo_catalogue(CATALOGUE_ENTRIES, SEED).entries
    counts: dict[tuple[object, str], int] = {}
    for e in entries:
        counts[(e.device_model, e.firmware_version)] = (
            counts.get((e.device_model, e.firmware_version), 0) + 1
        )
    shared = {k for k, v in counts.items() if v > 1}
    cat = pl.DataFrame(
        {
            "cpl_entry_id": [e.cpl_entry_id for e in entries],
            "manufacturer_id": [e.manufacturer_id for e in entries],
            "model_id": [e.model_id for e in entries],
            "hardware_version": [e.hardware_version for e in entries],
            "firmware_version": [e.firmware_version for e in entries],
            "manufacturer_image_hash": [
                e.manufacturer_image_hash
                if (e.device_model, e.firmware_version) in shared
                else None
                for e in entries
            ],
        }
    )
    u = (pl.int_range(0, n, dtype=pl.UInt64).hash(SEED) % 1_000_003).cast(pl.Float64) / 1_000_003
    pick = (u.pow(1.6) * len(entries)).cast(pl.UInt32).clip(0, len(entries) - 1)
    frame = pl.select(
        device_id=pl.format("D{}", pl.int_range(0, n).cast(pl.String).str.zfill(10)),
        pick=pick,
    )
    frame = frame.join(cat.with_row_index("pick"), on="pick", how="left", maintain_order="left")
    junk = (pl.int_range(0, n).hash(7) % 1000) == 0
    if layout.startswith("id"):
        frame = frame.select(
            "device_id",
            pl.when(junk)
            .then(pl.lit("not-an-id!"))
            .otherwise(pl.col("cpl_entry_id"))
            .alias("cpl_entry_id"),
        )
    else:
        frame = frame.select(
            "device_id",
            pl.when(junk)
            .then(pl.lit("XYZ"))
            .otherwise(pl.col("manufacturer_id"))
            .alias("manufacturer_id"),
            "model_id",
            "hardware_version",
            "firmware_version",
            "manufacturer_image_hash",
        )
    if shuffle_ids:
        frame = frame.sample(fraction=1.0, shuffle=True, seed=SEED)
    path = folder / f"fleet-{n}-{layout}"
    if layout.endswith(".csv"):
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def read_baseline(path: Path) -> float:
    start = time.perf_counter()
    if path.suffix == ".csv":
        frame = pl.read_csv(path, infer_schema=False)
    else:
        frame = pl.read_parquet(path)
    elapsed = time.perf_counter() - start
    assert frame.height > 0
    return elapsed


def peak_rss_kib() -> int:
    """This process's peak resident memory. VmHWM belongs to the process's own address space;
    ru_maxrss is not used because Linux carries it over from the forking parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker(url: str, fleet: Path, out: Path, explain: bool = False) -> None:
    """Plan, then read; print JSON with both times and the peak RSS of planning."""
    subprocess.run(["cat", str(fleet)], stdout=subprocess.DEVNULL, check=True)  # warm the cache
    engine = open_engine(url)
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    summary = plan_fleet(
        engine,
        fleet,
        out,
        explain=explain,
        on_stage=lambda name: marks.append((name, time.perf_counter())),
    )
    plan_seconds = time.perf_counter() - start
    ends = [t for _, t in marks[1:]] + [start + plan_seconds]
    stages = {name: round(end - t, 3) for (name, t), end in zip(marks, ends, strict=True)}
    peak_kib = peak_rss_kib()
    reads = [read_baseline(fleet) for _ in range(3)]
    print(
        json.dumps(
            {
                "plan": plan_seconds,
                "read": statistics.median(reads),
                "peak_gib": peak_kib / 1024 / 1024,
                "devices": summary.devices,
                "stages": stages,
                "by_status": summary.by_status,
            }
        )
    )


def naive_networkx(url: str, fleet: Path, sample: int) -> float:
    """Seconds per device for a per-device networkx shortest path (no sharing between devices)."""
    engine = open_engine(url)
    from firpath.services.unit_of_work import read_transaction
    from firpath.store import entries as store

    with read_transaction(engine) as conn:
        stored = store.load_all(conn)
    index = FirmwareIndex(stored.values())
    planner = FleetPlanner(index)
    graphs: dict[object, nx.DiGraph] = {}
    for model, graph in index.graphs.items():
        g = nx.DiGraph()
        g.add_nodes_from(graph.entries)
        for node, preds in graph.predecessors.items():
            if graph.entries[node].is_active:  # a removed entry is never a step
                g.add_edges_from((p, node) for p in preds)
        graphs[model] = g
    ids = pl.read_csv(fleet, infer_schema=False, n_rows=sample * 3)["cpl_entry_id"].to_list()
    random.Random(1).shuffle(ids)
    ids = ids[:sample]
    start = time.perf_counter()
    for raw in ids:
        match = index.by_entry_id(raw or "")
        if match.entry is None:
            continue
        target = planner.target_for(match.entry.device_model)
        if target is None:
            continue
        with contextlib.suppress(nx.NetworkXNoPath):
            nx.shortest_path(
                graphs[match.entry.device_model], match.entry.cpl_entry_id, target.cpl_entry_id
            )
    return (time.perf_counter() - start) / len(ids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000,30000000")
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    parser.add_argument("--sample", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3, help="worker runs; the median is shown")
    parser.add_argument(
        "--dir",
        default="/dev/shm" if Path("/dev/shm").is_dir() else None,
        help="work folder (default: tmpfs, so the figures measure firpath, not the disk)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="also time plans with the explanation columns"
    )
    parser.add_argument(
        "--shuffle-ids",
        action="store_true",
        help="device ids in random order (the repeated-id check must then hash and sort them)",
    )
    parser.add_argument("--worker", nargs=3, metavar=("URL", "FLEET", "OUT"))
    args = parser.parse_args()
    if args.worker:
        url, fleet, out = args.worker
        worker(url, Path(fleet), Path(out), args.explain)
        return 0
    console = Console()
    sizes = [int(s) for s in args.sizes.split(",")]
    table = Table(
        title=f"Fleet planning (plan time / polars read time of the same file), "
        f"median of {args.repeat} runs"
    )
    for column in (
        "devices",
        "layout",
        "file MB",
        "read s",
        "plan s",
        "ratio",
        "of which write s",
        "plan / (read + write)",
        "peak GiB",
        "naive nx (est.) s",
        "speed-up",
        *(("explain s", "explain / plan", "explain peak GiB") if args.explain else ()),
    ):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        url = make_catalogue(folder)
        per_device: float | None = None
        for n in sizes:
            for layout in args.layouts.split(","):
                fleet = make_fleet(n, layout, folder, args.shuffle_ids)
                out = folder / f"plan-{n}-{layout}"
                runs: list[dict[str, Any]] = []
                explained: list[dict[str, Any]] = []
                for _ in range(args.repeat):
                    for flags, into in (([], runs), (["--explain"], explained)):
                        if flags and not args.explain:
                            continue
                        done = subprocess.run(
                            [
                                sys.executable,
                                __file__,
                                *flags,
                                "--worker",
                                url,
                                str(fleet),
                                str(out),
                            ],
                            capture_output=True,
                            text=True,
                            check=True,
                        )
                        into.append(json.loads(done.stdout.strip().splitlines()[-1]))
                        out.unlink(missing_ok=True)
                result = sorted(runs, key=lambda r: r["plan"])[len(runs) // 2]  # the median run
                extra: list[str] = []
                if explained:
                    slow = sorted(explained, key=lambda r: r["plan"])[len(explained) // 2]
                    extra = [
                        f"{slow['plan']:.2f}",
                        f"{slow['plan'] / result['plan']:.2f}",
                        f"{slow['peak_gib']:.2f}",
                    ]
                if per_device is None and layout.startswith("id"):
                    per_device = naive_networkx(url, fleet, args.sample)
                naive = (per_device or 0.0) * n
                table.add_row(
                    f"{n:,}",
                    layout,
                    f"{fleet.stat().st_size / 1e6:,.0f}",
                    f"{result['read']:.2f}",
                    f"{result['plan']:.2f}",
                    f"{result['plan'] / result['read']:.2f}",
                    f"{result['stages']['writing plan']:.2f}",
                    f"{result['plan'] / (result['read'] + result['stages']['writing plan']):.2f}",
                    f"{result['peak_gib']:.2f}",
                    f"{naive:,.0f}",
                    f"{naive / result['plan']:,.0f}x",
                    *extra,
                )
                console.print(f"{n:,} {layout}: {result}")
                fleet.unlink()
                out.unlink(missing_ok=True)
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
