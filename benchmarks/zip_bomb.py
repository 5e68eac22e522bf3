"""Peak memory and time of the workbook upload's zip guard on an expanding workbook. Not a test.

    .venv/bin/python benchmarks/zip_bomb.py                 # the 2 GB sharedStrings.xml of the issue
    .venv/bin/python benchmarks/zip_bomb.py --gigabytes 0.5
    .venv/bin/python benchmarks/zip_bomb.py --unguarded     # also openpyxl alone on it (slow: GBs of memory)

Builds, in a temporary directory and streaming (never holding the expansion in memory), an .xlsx
whose xl/sharedStrings.xml expands to the given size (zlib level 9: 2 MB for 2 GB), plus the largest
workbook the limits let through (as many shared texts as WORKBOOK_MAX_CELLS allows). Each measurement
runs in a fresh subprocess and prints its peak resident memory (resource.getrusage) above the
interpreter with Django loaded, and its wall time.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Reports" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
SHEET = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"""
SST_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' \
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def build(path: Path, strings) -> None:
    """An .xlsx whose shared strings are the byte slices ``strings`` yields, written as they come."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", SHEET)]:
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(SST_HEAD)
            for data in strings:
                part.write(data)
            part.write(b"</sst>")


def repeated(item: bytes, total: int):
    """``item`` repeated to ``total`` bytes, in 1 MB slices."""
    slice_ = item * (MB // len(item))
    for _ in range(total // len(slice_)):
        yield slice_
    yield item * ((total % len(slice_)) // len(item))


def texts(count: int, *, seed: int = 7):
    """``count`` different texts of 8 words (real prose compresses about as well), 10,000 per slice."""
    rng = random.Random(seed)
    words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
             for _ in range(2000)]
    for start in range(0, count, 10_000):
        yield b"".join(b"<si><t>" + b" ".join(rng.choices(words, k=8)) + b"</t></si>"
                       for _ in range(min(10_000, count - start)))


def child(mode: str, path: str) -> None:
    """Run in a subprocess: one measurement, printed as 'baseline_kb peak_kb seconds outcome'."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cami.settings")
    import django

    django.setup()
    import openpyxl
    from django.core.exceptions import ValidationError

    from reporting.workbook import read as workbook

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = "accepted"
    try:
        with open(path, "rb") as file:
            data = workbook.upload_bytes(file)  # the 5 MB cap, as the upload view reads it
        if mode in ("guard", "guard+read"):
            workbook.check_expansion(data)
        if mode in ("guard+read", "unguarded"):
            import io

            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            for _row in book.worksheets[0].iter_rows():
                pass
            book.close()
    except ValidationError as error:
        outcome = "refused: " + " ".join(error.messages)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(baseline, peak, f"{seconds:.3f}", outcome)


def measure(mode: str, path: Path) -> None:
    result = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                            cwd=ROOT)
    if result.returncode:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(result.returncode)
    baseline, peak, seconds, outcome = result.stdout.strip().splitlines()[-1].split(" ", 3)
    baseline_mb, peak_mb = int(baseline) / 1024, int(peak) / 1024
    print(f"  {mode:<11} peak RSS {peak_mb:7.1f} MB (+{peak_mb - baseline_mb:6.1f} MB above Django loaded, "
          f"{baseline_mb:.0f} MB)  {float(seconds):7.3f} s  {outcome[:110]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=2.0, help="expansion of xl/sharedStrings.xml")
    parser.add_argument("--unguarded", action="store_true", help="also measure openpyxl without the guard")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cami.settings")
    import django

    django.setup()
    from reporting.workbook import read as workbook

    with tempfile.TemporaryDirectory() as directory:
        bomb = Path(directory) / "bomb.xlsx"
        started = time.perf_counter()
        # One shared text of the letter a, as long as the expansion: deflate's best ratio (~1000:1).
        build(bomb, itertools.chain([b"<si><t>"], repeated(b"a", int(args.gigabytes * 1024 * MB)), [b"</t></si>"]))
        print(f"Bomb: {bomb.stat().st_size / MB:.2f} MB file, xl/sharedStrings.xml expands to "
              f"{args.gigabytes:g} GB (built in {time.perf_counter() - started:.0f} s)")
        measure("guard", bomb)
        if args.unguarded:
            measure("unguarded", bomb)

        # About the most the limits let through: WORKBOOK_MAX_CELLS shared texts (one cell in the sheet).
        largest = Path(directory) / "largest.xlsx"
        count = workbook.WORKBOOK_MAX_CELLS - 1
        build(largest, texts(count))
        with zipfile.ZipFile(largest) as archive:
            expanded = archive.getinfo("xl/sharedStrings.xml").file_size
        print(f"Largest accepted: {largest.stat().st_size / MB:.2f} MB file, {count} different shared texts "
              f"({expanded / MB:.1f} MB of XML)")
        measure("guard", largest)
        measure("guard+read", largest)


if __name__ == "__main__":
    main()
