"""What python-calamine does not give, read from the sheet's XML in .xlsx/.xlsm.

- `survey`: one streaming pass over a sheet part for error values (`t="e"`, which calamine reads
  as blank), formulas saved without their result, hidden rows, cells in a percentage format (an
  Excel cell showing 75% holds 0.75), and the sheet's real extent. Cells are read by an XML
  parser (expat), so a namespace prefix (`<x:c>`, as the .NET Open XML SDK writes), attributes in
  any order or quoting, and character references are all understood. Only the pieces of the part
  (whole rows, about 1 MiB each) that could hold such a cell are parsed: a piece with no quoted
  `e`, no `f` element, no `hidden`, no percent style and no character reference cannot, and is
  passed over at the speed of a byte search.
- `stream_rows`: the sheet's rows read from its XML, holding only the used cells. calamine
  builds a dense grid from the sheet's corners, so one stray cell at XFD1048576 would make it
  allocate 17 billion cells; such a sheet is read here instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from farmcli.ooxml.package import Package
from farmcli.read.marks import SheetMarks

CHUNK = 1 << 20
_P = rb"(?:[\w.-]+:)?"  # an element's namespace prefix, if it has one
_ROW_START = re.compile(rb"<" + _P + rb"row[\s/>]")
_ROW_END = re.compile(rb"</" + _P + rb"row\s*>")
_ROW_NUMBER = re.compile(rb"<" + _P + rb"row\s[^>]*?(?<=\s)r\s*=\s*[\"'](\d+)")
_LAST_CELL = re.compile(rb"<" + _P + rb"c\s[^>]*?(?<=\s)r\s*=\s*[\"']([A-Z]{1,3})\d+")
_FAR_CELL = re.compile(rb"<" + _P + rb"c\s[^>]*?(?<=\s)r\s*=\s*[\"']([A-Z]{3})\d")
_DIMENSION = re.compile(rb"<" + _P + rb"dimension\s+ref\s*=\s*[\"'][A-Z]*\d*:?([A-Z]{1,3})(\d+)")
_FORMULA = re.compile(rb"<" + _P + rb"f[\s/>]")
_NAMESPACE = re.compile(rb"""\sxmlns(:[\w.-]+)?\s*=\s*("[^"]*"|'[^']*')""")
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
DENSE_LIMIT = 2_000_000  # cells calamine may allocate without a second thought
EPOCH_1900, EPOCH_1904 = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)


def column_index(letters: bytes | str) -> int:
    """b'A' → 0, b'XFD' → 16383."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


def epoch(package: Package) -> dt.datetime:
    """Day 0 of the workbook's serial dates: the 1904 system of workbooks made on a Mac, or 1900's."""
    return EPOCH_1904 if package.date1904 else EPOCH_1900


def _pieces(package: Package, part: str):
    """The part's text in pieces that each end after a row's end tag (the last piece: the rest)."""
    carry = b""
    with package.open(part) as fh:
        while chunk := fh.read(CHUNK):
            chunk = carry + chunk
            cut = _last_row_end(chunk)
            if cut < 0:
                carry = chunk
                continue
            carry = chunk[cut:]
            yield chunk[:cut]
    if carry:
        yield carry


def _last_row_end(chunk: bytes) -> int:
    """The offset just after the last row end tag in `chunk`, or -1."""
    found = _last_tag(chunk, _ROW_END)
    return found.end() if found else -1


def _last_tag(chunk: bytes, tag: re.Pattern):
    """The last match of a row tag pattern in `chunk`, found backwards from its end (rfind runs at
    C speed; a regex scan of a whole piece would not)."""
    end = len(chunk)
    while (at := chunk.rfind(b"row", 0, end)) >= 0:
        found = tag.match(chunk, chunk.rfind(b"<", 0, at))
        if found and found.end() > at:
            return found
        end = at
    return None


@dataclass
class _Cells:
    """expat's handlers for the rows of a piece: the cells a survey looks for, located."""

    marks: SheetMarks
    percent_styles: set[int]
    uncached: list[tuple[int, int]] = field(default_factory=list)
    row: int = -1
    col: int = -1
    kind: str = "n"
    formula: bool = False
    value: list | None = None
    in_value: bool = False

    def start(self, name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            self.row, self.col = (int(r) - 1 if r else self.row + 1), -1  # `r` may be left out: the next row
            if attrs.get("hidden", "").strip() in ("1", "true"):
                self.marks.hidden_rows.add(self.row)
        elif local == "c":
            ref = _REF.match(attrs.get("r", "").strip())
            if ref:
                self.row, self.col = int(ref.group(2)) - 1, column_index(ref.group(1))
            else:
                self.col += 1  # no `r`: the next cell of the row
            self.kind, self.formula, self.value = attrs.get("t", "n"), False, None
            style = attrs.get("s")
            if style and self.percent_styles and _int(style) in self.percent_styles:
                self.marks.percent.add((self.row, self.col))
        elif local == "f":
            self.formula = self.marks.formulas = True
        elif local == "v":
            self.value, self.in_value = [], True

    def text(self, data: str) -> None:
        if self.in_value:
            self.value.append(data)

    def end(self, name: str) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "v":
            self.in_value = False
        elif local == "c":
            value = "".join(self.value) if self.value is not None else None
            if self.kind == "e" and value is not None:
                self.marks.errors[(self.row, self.col)] = value
            if self.formula and not value:
                self.uncached.append((self.row, self.col))


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return -1


def _suspect(piece: bytes, percent: tuple[bytes, ...]) -> bool:
    """Could this piece hold an error value, a formula, a hidden row or a percent cell? Searches
    that never say no wrongly — the parser then decides — and cost little: one byte is searched
    at memory speed, longer needles only where that byte is found.
    - an error value's text begins with `#` (`#REF!`, `#N/A` …; ECMA-376 §18.18.28) — or is
      spelt with a character reference, which begins with `&`;
    - a formula is an `f` element (`<f>`, `<x:f>`); a hidden row says `hidden`."""
    return (b"#" in piece or b"&" in piece
            or (b"f" in piece and _FORMULA.search(piece) is not None)
            or (b"h" in piece and b"hidden" in piece)
            or any(style in piece for style in percent))


def survey(package: Package, sheet: str) -> tuple[SheetMarks, int]:
    """The sheet's marks (with `uncached`: formula cells saved without a value) and the number of
    cells a dense grid of it would hold."""
    part = package.part_of(sheet)
    marks = SheetMarks(hidden=sheet in package.hidden)
    if not package.has(part):
        return marks, 0
    styles = package.styles.percent
    percent = tuple(f"{i}{q}".encode() for i in sorted(styles) for q in "\"'")  # s="9": its value's end
    cells = _Cells(marks, styles)
    last_row, last_col, dimension, namespaces = 0, 0, None, b""
    for piece in _pieces(package, part):
        first = _ROW_START.search(piece)
        if dimension is None:
            head = piece[: first.start()] if first else piece
            dim = _DIMENSION.search(head)
            dimension = bool(dim)
            if dim:
                last_col = column_index(dim.group(1))
            namespaces = _declarations(head)
        if first is None:
            continue
        tail = piece[_last_start(piece):]
        number = _ROW_NUMBER.match(tail)
        if number:
            last_row = max(last_row, int(number.group(1)))
            ends = _LAST_CELL.findall(tail)
            if ends:
                last_col = max(last_col, column_index(ends[-1]))
        if not dimension:  # without a <dimension>, look for cells beyond column ZZ
            for far in set(_FAR_CELL.findall(piece)):
                last_col = max(last_col, column_index(far))
        end = _last_row_end(piece)
        parsed = end > first.start() and _suspect(piece, percent)
        if parsed:
            _parse_rows(cells, namespaces, piece[first.start():end])
        if number:
            cells.row = int(number.group(1)) - 1
        elif not parsed:  # rows without `r`: count them
            cells.row += len(_ROW_START.findall(piece, first.start()))
        last_row = max(last_row, cells.row + 1)
    marks.uncached = sorted(cells.uncached)
    return marks, last_row * (last_col + 1)


def _parse_rows(cells: _Cells, namespaces: bytes, rows: bytes) -> None:
    """Whole rows, parsed inside an element that declares the sheet's namespaces."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = cells.start, cells.end
    parser.CharacterDataHandler = cells.text
    parser.Parse(b"<farmcli-rows" + namespaces + b">", False)
    parser.Parse(rows, False)
    parser.Parse(b"</farmcli-rows>", True)


def _last_start(piece: bytes) -> int:
    """The offset of the last row start tag in `piece` (0 if none)."""
    found = _last_tag(piece, _ROW_START)
    return found.start() if found else 0


def _declarations(head: bytes) -> bytes:
    """The namespace declarations in force where the rows stand (on <worksheet>, <sheetData>):
    a piece of rows is parsed inside an element that repeats them."""
    found: dict[bytes, bytes] = {}
    for prefix, value in _NAMESPACE.findall(head):
        found[prefix] = value
    return b"".join(b" xmlns" + p + b"=" + v for p, v in found.items())


def too_sparse(dense_cells: int, part_bytes: int) -> bool:
    """A real cell takes at least ~10 bytes of XML: a grid far bigger than that is mostly air."""
    return dense_cells > DENSE_LIMIT and dense_cells > part_bytes // 10


def stream_rows(package: Package, sheet: str, columns: set[int] | None = None) -> list[list]:
    """The sheet's rows (row 1 first) as calamine would give them, holding only used cells.

    Rows without a used cell share one empty list; trailing blank rows are dropped. With
    `columns`, only those column indices are kept.
    """
    from defusedxml.ElementTree import iterparse

    strings = _shared_strings(package)
    cells: dict[int, dict[int, object]] = {}
    row, col = -1, -1
    styles, day0 = package.styles.dates, epoch(package)
    with package.open(package.part_of(sheet)) as fh:
        for event, el in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            local = el.tag.rsplit("}", 1)[-1]
            if local == "row":
                if event == "start":  # `r` may be left out: then it is the next row
                    row, col = (int(el.get("r")) - 1 if el.get("r") else row + 1), -1
                else:
                    el.clear()
                continue
            if local != "c" or event == "start":
                continue
            ref = _REF.match(el.get("r", "").strip())
            col = column_index(ref.group(1)) if ref else col + 1  # no `r`: the next cell of the row
            if ref:
                row = int(ref.group(2)) - 1
            if columns is not None and col not in columns:
                continue
            value = _value(el, strings, styles, day0)
            if value is not None and not (type(value) is str and not value.strip()):
                cells.setdefault(row, {})[col] = value
    empty: list = []
    out = [empty] * (max(cells) + 1 if cells else 0)
    for row, found in cells.items():
        line = [None] * (max(found) + 1)
        for col, value in found.items():
            line[col] = value
        out[row] = line
    return out


def _child(el, local: str):
    return next((c for c in el if c.tag.rsplit("}", 1)[-1] == local), None)


def _texts(el) -> str:
    return "".join(t.text or "" for t in el.iter() if t.tag.rsplit("}", 1)[-1] == "t")


def _value(el, strings: list[str], date_styles: set[int], day0: dt.datetime) -> object:
    kind, v = el.get("t", "n"), _child(el, "v")
    text = v.text if v is not None else None
    if kind == "inlineStr":
        inline = _child(el, "is")
        return _texts(inline) if inline is not None else ""
    if text is None:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "e"):
        return text if kind == "str" else ""
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        return dt.datetime.fromisoformat(text.strip())
    number = float(text)
    if _int(el.get("s", "0")) in date_styles and 0 < number < 2958466:
        return day0 + dt.timedelta(days=number)
    return number


def _shared_strings(package: Package) -> list[str]:
    from defusedxml.ElementTree import iterparse

    part = next((r.target for r in package.rels(package.book) if r.kind() == "sharedStrings"), None)
    from farmcli.ooxml.opc import resolve

    part = resolve(package.book, part) if part else "xl/sharedStrings.xml"
    if not package.has(part):
        return []
    out = []
    with package.open(part) as fh:
        for _event, el in iterparse(fh, events=("end",), forbid_dtd=True):
            if el.tag.rsplit("}", 1)[-1] == "si":
                # <si><t> or rich runs <si><r><t>; phonetic runs (<rPh>) are not the text
                runs = [_child(el, "t")] + [_child(r, "t") for r in el if r.tag.rsplit("}", 1)[-1] == "r"]
                out.append("".join(t.text or "" for t in runs if t is not None))
                el.clear()
    return out
