"""`firpath verify-image` on large OTA files against a bare Python process hashing the same
file, whole processes (start-up included), in one run, alternating.

    .venv/bin/python benchmarks/verify_image.py [--runs 5] [--sizes-mb 1,64,256]

For each size: an OTA file (GBCS framing) whose Manufacturer Image hash is added to a demo
registry as one CPL entry, then timed: `firpath verify-image FILE` (a match) and the floor,
`python -c` reading the file in 1 MiB chunks into hashlib.sha256 (what any checker must do at
least). Prints median wall seconds, the ratio, and each process's peak memory (max RSS):
verify-image reads the file streaming, so its memory must not grow with the file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = (
    "import hashlib,sys\n"
    "h=hashlib.sha256()\n"
    "f=open(sys.argv[1],'rb')\n"
    "for c in iter(lambda: f.read(1<<20), b''): h.update(c)\n"
    "print(h.hexdigest())\n"
)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak memory MiB) of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{command} exited {code}: {child.stderr.read().decode()[:300]}")
    return elapsed, usage.ru_maxrss / 1024


def write_image(path: Path, megabytes: int) -> str:
    """An OTA file with a Manufacturer Image of `megabytes` MiB; returns the image's hash."""
    from firpath.samples.ota_files import OtaFileSpec, ota_file

    block = hashlib.sha256(b"seed").digest() * (1 << 15)  # 1 MiB
    image = block * megabytes
    path.write_bytes(ota_file(OtaFileSpec(0x1234, 0x7F000000 + megabytes), image))
    return hashlib.sha256(image).hexdigest().upper()


def cpl_row(megabytes: int, image_hash: str) -> dict[str, str]:
    return {
        "cpl_entry_id": f"BENCH{megabytes}",
        "device_type": "ESME",
        "manufacturer_id": "1234",
        "manufacturer_name": "Benchmark Meters",
        "model_id": "BEEF",
        "model_name": "Big Image",
        "hardware_version": "0001",
        "firmware_version": f"{0x7F000000 + megabytes:08X}",
        "manufacturer_image_hash": image_hash,
        "status": "active",
        "upgrade_from": "N/A",
        "zigbee_chipset_vendor": "Silicon Labs",
        "zigbee_stack_version": "EmberZNet 7.4",
        "zigbee_band": "2.4 GHz Only",
        "date_added": "2026-01-01",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes-mb", default="1,64,256")
    parser.add_argument("--write", nargs=2, metavar=("MB", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        print(write_image(Path(args.write[1]), int(args.write[0])))
        return
    sizes = [int(s) for s in args.sizes_mb.split(",")]
    firpath = [sys.executable, "-m", "firpath.cli.main"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = dict(os.environ, FIRPATH_DATABASE_URL=f"sqlite:///{root / 'demo.db'}")
        subprocess.run([*firpath, "demo"], env=env, check=True, capture_output=True)
        rows = []
        for size in sizes:  # in a child process: the parent stays small for every fork
            made = subprocess.run(
                [sys.executable, __file__, "--write", str(size), str(root / f"{size}.ota")],
                check=True,
                capture_output=True,
                text=True,
            )
            rows.append(cpl_row(size, made.stdout.strip()))
        with (root / "bench.csv").open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        subprocess.run([*firpath, "import", str(root / "bench.csv")], env=env, check=True)
        print(
            f"{'file':>8} {'verify-image s':>15} {'floor s':>8} {'ratio':>6} "
            f"{'verify MiB':>11} {'floor MiB':>10}"
        )
        for size in sizes:
            image = str(root / f"{size}.ota")
            commands = {
                "verify": [*firpath, "verify-image", image],
                "floor": [sys.executable, "-c", FLOOR, image],
            }
            for command in commands.values():  # warm-up: page cache, .pyc files
                timed(command, env)
            got: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
            for _ in range(args.runs):
                for name, command in commands.items():
                    got[name].append(timed(command, env))
            verify = statistics.median(t for t, _ in got["verify"])
            floor = statistics.median(t for t, _ in got["floor"])
            memory = {name: max(m for _, m in values) for name, values in got.items()}
            print(
                f"{size:>5} MB {verify:>15.3f} {floor:>8.3f} {verify / floor:>6.2f} "
                f"{memory['verify']:>11.0f} {memory['floor']:>10.0f}"
            )


if __name__ == "__main__":
    main()
