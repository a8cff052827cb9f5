"""What an output says, as a short digest: the record keeps one for each output it was written
with, and an output is replaced only while it still says that (SPEC §3, issue 25 §1).

- A workbook: each sheet's digest over the values of its cells (read/digest.py: numbers at 15
  significant digits, as a spreadsheet keeps them) and its formulas (shared formulas expanded, so
  Excel's sharing and LibreOffice's none agree). Styles, widths, selection, hidden states and how
  strings are stored are not what the sheet says. The ledger's sheets are digested by the reader
  as it reads them; the record keeps each sheet's part stamp (CRC-32 and size) beside its
  fingerprint, so a sheet whose part is byte for byte as written is not read again.
- The Word report: the text of its paragraphs and table cells, in order.
- The Markdown report: its lines, trailing blanks aside.
Opening a file and saving it unchanged, in Excel, WPS or LibreOffice, keeps every digest.
"""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
from pathlib import Path

from farmcli.outputs.workbook import bookxml
from farmcli.ooxml.opc import read_rels, resolve
from farmcli.ooxml.guard import check_sizes
from farmcli.ooxml.package import open_package

CHUNK = 1 << 20
_CELL = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3}\d+)"')
_FORMULA = re.compile(rb'<f\b([^>]*?)(?:/>|>(.*?)</f>)', re.S)
_ATTR = re.compile(rb'\b(t|si)="([^"]*)"')
_PREFIXES = re.compile(r"_xl(?:fn|ws|pm)\.", re.I)


def _book_part(archive: zipfile.ZipFile) -> str:
    return next((resolve("", r.target) for r in read_rels(archive, "") if r.kind() == "officeDocument"),
                "xl/workbook.xml")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name → its part, in tab order."""
    book = _book_part(archive)
    rels = {r.id: r for r in read_rels(archive, book)}
    return {s["name"]: resolve(book, rels[s["rid"]].target) for s in bookxml.sheets(archive.read(book))
            if s["rid"] in rels and rels[s["rid"]].kind() == "worksheet"}


def workbook_fingerprints(source, skip: tuple[str, ...] = (), stored: list | None = None,
                          digests: dict[str, tuple[str, bool]] | None = None) -> list[list[str]]:
    """[sheet name, fingerprint] for each worksheet of the .xlsx `source` (a path, or the reader's
    open `Package`: not opened again), in tab order. `digests`: what the reader took of the sheets
    it read (sheet → values digest, holds a formula), so a million-row sheet is not read twice.
    `stored`: an earlier record's [name, fingerprint, stamp] entries; a sheet whose part still has
    its stamp (CRC-32 and size) keeps its fingerprint unread."""
    from farmcli.ooxml.package import Package
    from farmcli.read.workbook import open_workbook

    digests = dict(digests or {})
    known = {e[0]: (e[2], e[1]) for e in stored or [] if isinstance(e, list) and len(e) == 3}
    package = source if isinstance(source, Package) else open_package(Path(source))
    book = None
    try:
        archive, out = package.archive, []
        for name, part in sheet_parts(archive).items():
            if name in skip:
                continue
            stamp = part_stamp(archive.getinfo(part)) if part in archive.NameToInfo else None
            if name in known and known[name][0] == stamp:
                out.append([name, known[name][1]])
                continue
            if name not in digests:
                book = book or open_workbook(package.path, package=package)
                digests[name] = (book.digest(name), book.has_formulas(name))
            values, formulas = digests[name]
            out.append([name, _fingerprint(values, _formulas(archive, part) if formulas else {})])
        return out
    finally:
        if book is not None:
            book.close()
        if package is not source:
            package.close()


def part_stamp(info: zipfile.ZipInfo) -> str:
    """A part's CRC-32 and size as the zip's directory states them: the same stamp, the same bytes."""
    return f"{info.CRC:08x}:{info.file_size}"


def _fingerprint(values: str, formulas: dict[str, str]) -> str:
    digest = hashlib.sha256(values.encode("ascii") + b"\x1e")
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
        check_sizes(archive, path)  # the package reader's guard: a bomb is refused before it is inflated
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
