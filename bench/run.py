"""`make bench`: farmcli settle against the floor and the naive peer, as whole processes.

    python bench/run.py [--sizes 100000,1000000] [--repeat 1] [--folders 100x10000]

Each command runs under /usr/bin/time -v; wall time and peak memory (max RSS) are reported,
with the ratios settle/floor and naive/settle, and settle/read: the settle against python-calamine
reading the sheets farmcli needs (bench/calamine_read.py; issue 28's target: at most 2). Ledgers are generated once into bench/out/.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PY = sys.executable


def measure(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median peak MiB of `cmd` run `repeat` times."""
    walls, peaks = [], []
    for _ in range(repeat):
        done = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
        if done.returncode not in (0, 1):
            sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
        hours, minutes, seconds = wall.groups()
        walls.append(int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds))
        peaks.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024)
    return statistics.median(walls), statistics.median(peaks)


def ledger(n: int) -> Path:
    path = OUT / f"ledger-{n}.xlsx"
    if not path.exists():
        print(f"generating {path.name} …", flush=True)
        subprocess.run([PY, str(HERE / "generate.py"), str(n), str(path)], check=True)
    return path


def folder(units: int, parcels: int) -> Path:
    path = OUT / f"folder-{units}x{parcels}"
    if not (path / "县级台账.xlsx").exists():
        print(f"generating {path.name} …", flush=True)
        subprocess.run([PY, str(HERE / "generate_folder.py"), str(units), str(parcels), str(path)], check=True)
    return path


def folder_cases(sizes: list[str], repeat: int) -> list[str]:
    """The folder case (issue 28): a county workbook and UNITS township workbooks of PARCELS parcels,
    settled as one, against the floor (calamine reads every file, xlsxwriter writes the combined
    sheets); targets: settle/floor ≤ 0.7, peak memory ≤ 1 GiB."""
    if not sizes:
        return []
    lines = ["", "| folder | farmcli settle (folder) | floor (calamine every file + xlsxwriter combined) |"
             " settle/floor time (≤ 0.7) | peak ≤ 1024 MiB |", "|---|---:|---:|---:|---:|"]
    for size in sizes:
        units, parcels = (int(x) for x in size.lower().split("x"))
        src = folder(units, parcels)
        print(f"folder {size}: settle …", flush=True)
        settle = measure([PY, "-m", "farmcli", "settle", "2022", str(src), "--out", str(OUT / "settled-folder"),
                          "--quiet"], repeat)
        print(f"folder {size}: floor …", flush=True)
        floor = measure([PY, str(HERE / "folder_floor.py"), str(src), str(OUT / f"folder-floor-{size}.xlsx")], repeat)
        lines.append(f"| {units} × {parcels:,} + county | {settle[0]:.1f} s / {settle[1]:.0f} MiB | "
                     f"{floor[0]:.1f} s / {floor[1]:.0f} MiB | **{settle[0] / floor[0]:.2f}** | "
                     f"{'yes' if settle[1] <= 1024 else 'NO'} ({settle[1]:.0f} MiB) |")
        print(lines[-1], flush=True)
    return lines


def help_check() -> str:
    start = time.perf_counter()
    subprocess.run([PY, "-m", "farmcli", "--help"], capture_output=True, check=True)
    wall = time.perf_counter() - start
    code = ("import sys; sys.argv=['farmcli','--help']\nfrom farmcli.cli import app\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\nprint('pandas' in sys.modules, file=sys.stderr)")
    loaded = subprocess.run([PY, "-c", code], capture_output=True, text=True).stderr.strip().splitlines()[-1]
    wall_help, _ = measure([PY, "-m", "farmcli", "--help"], 3)
    return f"farmcli --help: {wall_help:.2f} s (median of 3; first call {wall:.2f} s); pandas imported: {loaded}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--read-ratio-only", action="store_true",
                        help="time the settle and python-calamine reading the sheets it needs, not the floor and the naive peer")
    parser.add_argument("--folders", default="100x10000",
                        help="folder case (issue 28): UNITSxPARCELS, comma-separated; empty to skip")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    lines = ["| parcels | farmcli settle | calamine reads the sheets needed | floor (calamine + xlsxwriter) |"
             " naive (pandas + openpyxl) | settle/read time | settle/floor time | settle/floor memory | naive/settle time |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in (int(s) for s in args.sizes.split(",")):
        src = ledger(n)
        print(f"{n} parcels: settle …", flush=True)
        settle = measure([PY, "-m", "farmcli", "settle", "2022", str(src), "--out", str(OUT / "settled"), "--quiet"],
                         args.repeat)
        print(f"{n} parcels: calamine reading the sheets farmcli needs …", flush=True)
        read = measure([PY, str(HERE / "calamine_read.py"), str(src), "taojiang"], args.repeat)
        if args.read_ratio_only:
            lines.append(f"| {n:,} | {settle[0]:.1f} s / {settle[1]:.0f} MiB | {read[0]:.1f} s / {read[1]:.0f} MiB | – | – | "
                         f"**{settle[0] / read[0]:.2f}** | – | – | – |")
            print(lines[-1], flush=True)
            continue
        print(f"{n} parcels: floor …", flush=True)
        floor = measure([PY, str(HERE / "floor.py"), str(src), str(OUT / f"floor-{n}.xlsx")], args.repeat)
        print(f"{n} parcels: naive …", flush=True)
        naive = measure([PY, str(HERE / "naive.py"), str(src), str(OUT / f"naive-{n}.xlsx")], args.repeat)
        lines.append(f"| {n:,} | {settle[0]:.1f} s / {settle[1]:.0f} MiB | {read[0]:.1f} s / {read[1]:.0f} MiB | "
                     f"{floor[0]:.1f} s / {floor[1]:.0f} MiB | {naive[0]:.1f} s / {naive[1]:.0f} MiB | "
                     f"**{settle[0] / read[0]:.2f}** | {settle[0] / floor[0]:.2f} | {settle[1] / floor[1]:.2f} | "
                     f"{naive[0] / settle[0]:.2f} |")
        print(lines[-1], flush=True)
    lines += folder_cases([f for f in args.folders.split(",") if f], args.repeat)
    lines.append("")
    lines.append(help_check())
    report = "\n".join(lines)
    (OUT / "results.md").write_text(report + "\n", encoding="utf-8")
    print()
    print(report)


if __name__ == "__main__":
    main()
