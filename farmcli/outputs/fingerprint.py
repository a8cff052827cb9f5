"""What an output says, as a short digest: the record keeps one for each output it was written
with, and an output is replaced only while it still says that (SPEC §3, issue 25 §1).

- A workbook: each sheet's digest over the values of its cells (numbers at 15 significant digits,
  as a spreadsheet keeps them: LibreOffice writes 0.9259971014492754 as 0.925997101449275) and
  its formulas (shared formulas expanded, so Excel's sharing and LibreOffice's none agree). Styles,
  widths, selection, hidden states and how strings are stored are not what the sheet says.
- The Word report: the text of its paragraphs and table cells, in order.
- The Markdown report: its lines, trailing blanks aside.
Opening a file and saving it unchanged, in Excel, WPS or LibreOffice, keeps every digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import zipfile
from contextlib import nullcontext
from pathlib import Path

from farmcli.outputs import bookxml
from farmcli.ooxml.opc import read_rels, resolve

CHUNK = 1 << 20
_CELL = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3}\d+)"')
_FORMULA = re.compile(rb'<f\b([^>]*?)(?:/>|>(.*?)</f>)', re.S)
_ATTR = re.compile(rb'\b(t|si)="([^"]*)"')
_PREFIXES = re.compile(r"_xl(?:fn|ws|pm)\.", re.I)


def _value(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return f"b{int(value)}"
    if isinstance(value, (int, float)):
        return "n" + fifteen_digits(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return f"d{value}"
    return f"s{value}"


def fifteen_digits(value: float) -> str:
    """A number as a spreadsheet keeps it: 15 significant digits, rounded half up from its shortest
    decimal form (LibreOffice writes 0.8982808988764045 as 0.898280898876405)."""
    from decimal import ROUND_HALF_UP, Decimal

    exact = Decimal(repr(float(value)))
    if not exact.is_finite() or exact == 0:
        return str(exact)
    shift = exact.adjusted() - 14
    return format(exact.quantize(Decimal(1).scaleb(shift), rounding=ROUND_HALF_UP).normalize(), "E")


def _book_part(archive: zipfile.ZipFile) -> str:
    return next((resolve("", r.target) for r in read_rels(archive, "") if r.kind() == "officeDocument"),
                "xl/workbook.xml")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name → its part, in tab order."""
    book = _book_part(archive)
    rels = {r.id: r for r in read_rels(archive, book)}
    return {s["name"]: resolve(book, rels[s["rid"]].target) for s in bookxml.sheets(archive.read(book))
            if s["rid"] in rels and rels[s["rid"]].kind() == "worksheet"}


def workbook_fingerprints(path, sheets: list[str] | None = None, skip: tuple[str, ...] = ()) -> list[list[str]]:
    """[sheet name, digest] for each worksheet of the .xlsx at `path` (or just `sheets`), in tab order.
    `path` may be the reader's open package (`farmcli.ooxml.Package`): its zip is not opened again."""
    from farmcli.read.formats import open_calamine

    package = getattr(path, "archive", None)
    with (zipfile.ZipFile(path) if package is None else nullcontext(package)) as archive:
        parts = sheet_parts(archive)
        wanted = [n for n in parts if n not in skip and (sheets is None or n in sheets)]
        formulas = {name: _formulas(archive, parts[name]) for name in wanted}
        sparse = {name for name in wanted if _mostly_air(archive, parts[name])}
    if sparse and package is None:
        from farmcli.ooxml.package import open_package

        package = open_package(Path(path))
    elif package is not None:
        package = path
    path = getattr(path, "path", path)
    book = open_calamine(Path(path), "xlsx")  # by content: temporary files are named .tmp
    try:
        return [[name, _sheet_digest(book, name, formulas[name], package if name in sparse else None)]
                for name in wanted]
    finally:
        book.close()


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=[\"']([A-Z]+\d+(?::[A-Z]+\d+)?)[\"']")


def _mostly_air(archive: zipfile.ZipFile, part: str) -> bool:
    """A sheet whose stated range would be a dense grid mostly of air (a stray cell at XFD1048576):
    the reader streams such a sheet, and so does its digest (calamine would build the whole grid)."""
    from farmcli.read.xlsx_xml import too_sparse
    from openpyxl.utils.cell import range_boundaries

    with archive.open(part) as fh:
        found = _DIMENSION.search(fh.read(4096))
    if not found:
        return False
    ref = found.group(1).decode()
    left, top, right, bottom = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
    return too_sparse((right - left + 1) * (bottom - top + 1), archive.getinfo(part).file_size)


def _sheet_digest(book, name: str, formulas: dict[str, str], package=None) -> str:
    from openpyxl.utils import get_column_letter

    digest = hashlib.sha256()
    if package is not None:  # streamed from the sheet's XML: rows from row 1, column A
        from farmcli.read.xlsx_xml import stream_rows

        top, left, rows = 0, 0, stream_rows(package, name)
    else:
        sheet = book.get_sheet_by_name(name)
        (top, left), rows = sheet.start or (0, 0), sheet.iter_rows()
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=left + 1):
            shown = _value(value)
            if shown is not None:
                digest.update(f"{get_column_letter(c)}{r}\x1f{shown}\x1e".encode("utf-8"))
    for ref in sorted(formulas):
        digest.update(f"{ref}\x1f={formulas[ref]}\x1e".encode("utf-8"))
    return digest.hexdigest()


def _formulas(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Cell → formula, normalised; shared formulas expanded from their master cell."""
    found: dict[str, str] = {}
    masters: dict[bytes, tuple[str, str]] = {}
    followers: list[tuple[str, bytes]] = []
    with archive.open(part) as fh:
        tail = b""
        while True:
            chunk = fh.read(CHUNK)
            data = tail + chunk
            cut = len(data) if not chunk else data.rfind(b"</row>") + 1
            if cut <= 0:
                tail = data
                continue
            if b"<f" in data[:cut]:
                for cell in _CELL.finditer(data, 0, cut):
                    body = cell.group(2)
                    if not body or b"<f" not in body:
                        continue
                    ref_match = _REF.search(cell.group(1))
                    formula = _FORMULA.search(body)
                    if ref_match is None or formula is None:
                        continue
                    ref, attrs = ref_match.group(1).decode(), dict(_ATTR.findall(formula.group(1)))
                    text = html.unescape((formula.group(2) or b"").decode("utf-8"))
                    if attrs.get(b"t") == b"shared" and not text:
                        followers.append((ref, attrs.get(b"si", b"")))
                        continue
                    if attrs.get(b"t") == b"shared":
                        masters[attrs.get(b"si", b"")] = (ref, text)
                    found[ref] = _normal(text)
            tail = data[cut:]
            if not chunk:
                break
    for ref, si in followers:
        if si in masters:
            found[ref] = _normal(_translate(*masters[si], ref))
    return found


def _translate(origin: str, text: str, ref: str) -> str:
    from openpyxl.formula.translate import Translator

    try:
        return Translator(f"={text}", origin=origin).translate_formula(ref)[1:]
    except Exception:  # a formula the translator cannot read: keep it as it stands
        return text


def _normal(text: str) -> str:
    """A formula as any program writes it: no _xlfn. prefixes, no spaces, no quotes round sheet names."""
    return _PREFIXES.sub("", text.lstrip("=")).replace(" ", "").replace("'", "").upper()


def document_fingerprint(path: Path) -> str:
    """The Word report's paragraphs and table cells, as text, in order."""
    from defusedxml.ElementTree import fromstring

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        book = next((resolve("", r.target) for r in read_rels(archive, "") if r.kind() == "officeDocument"),
                    "word/document.xml")
        root = fromstring(archive.read(book))
    digest = hashlib.sha256()
    for paragraph in root.iter(f"{w}p"):
        pieces = []
        for node in paragraph.iter():
            if node.tag == f"{w}t":
                pieces.append(node.text or "")
            elif node.tag == f"{w}tab":
                pieces.append("\t")
            elif node.tag in (f"{w}br", f"{w}cr"):
                pieces.append("\n")
        text = "".join(pieces).strip()
        if text:
            digest.update(text.encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def text_fingerprint(path: Path) -> str:
    """The Markdown report's lines (line endings and trailing blanks aside)."""
    text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()
