"""The filled workbook: the clerk's ledger package, every part kept as saved, with the result
sheets (written by xlsxwriter) transplanted in front, and the settlement's record inside.

Ledger parts are streamed from zip to zip, never parsed or re-serialised; only the package's
small index parts are rewritten (workbook.xml, its rels, [Content_Types].xml, styles.xml,
docProps/app.xml), plus the removal of `tabSelected` from the ledger's selected sheet, so that
the workbook opens on 结算总览. See docs/decisions.md, "The filled workbook".
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from farmcli.outputs.workbook import bookxml
from farmcli.outputs.workbook.fingerprint import part_stamp
from farmcli.outputs.workbook.record import RECORD_SHEET, read_record, record_item, record_sheet  # noqa: F401 (read_record: public here too)
from farmcli.ooxml.opc import (ContentTypes, Rel, fresh_name, reachable, read_rels, relative, rels_name, resolve,
                                 write_rels)
from farmcli.outputs.workbook.stylemerge import StyleMap, merge_styles, rewrite_result_sheet, shared_strings
from farmcli.ooxml.package import Package, open_package
from farmcli.ooxml.zipcopy import can_copy_raw, copy_raw

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_TYPES = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml", "application/vnd.ms-office.vbaProject",
               "application/vnd.ms-office.vbaProjectSignature")
PRINTER_SETTINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # every entry's zip timestamp: same input, same bytes
HEAD_LIMIT = 1 << 20  # <sheetViews> stands in a sheet's first bytes, before <sheetData>
COPY_CHUNK = 1 << 18
PROGRESS_STEP = 1 << 20  # bytes of sheet XML between two progress reports
_SELECTED = re.compile(rb'(<(?:\w+:)?sheetView\b[^>]*?)\s+tabSelected="(?:1|true)"')


@dataclass
class FillReport:
    result_sheets: list[str] = field(default_factory=list)
    dropped_sheets: list[str] = field(default_factory=list)
    dropped_parts: list[str] = field(default_factory=list)
    unselected_parts: list[str] = field(default_factory=list)  # ledger sheets whose tabSelected was removed
    macros_dropped: bool = False
    record_replaced: bool = False


def fill_workbook(ledger: Path | Package, results: Path, target: Path, *, drop_sheets: Collection[str] = (),
                  record: bytes | Callable[[dict[str, str]], bytes] | None = None,
                  progress: Callable[[str, int, int], None] | None = None) -> FillReport:
    """Write `target`: the package of `ledger` with the sheets of `results` in front. `ledger` may be
    the package the reader opened (and checked) already: it is not opened again. `record` may be a
    function: it is called last, with each written sheet's stamp (`part_stamp`), and gives the record.
    `progress(sheet name, bytes copied, bytes in all)` is told how the copy of a big ledger sheet goes."""
    with open_package(Path(results)) as res:
        if isinstance(ledger, Package):
            return _Fill(ledger.archive, res.archive, set(drop_sheets), record, progress).write(Path(target))
        with open_package(Path(ledger)) as led:
            return _Fill(led.archive, res.archive, set(drop_sheets), record, progress).write(Path(target))


class _Fill:
    def __init__(self, led: zipfile.ZipFile, res: zipfile.ZipFile, drop: set[str], record,
                 progress: Callable[[str, int, int], None] | None = None):
        self.led, self.res, self.record, self.progress = led, res, record, progress
        self.report = FillReport()
        self.names = [i.filename for i in led.infolist() if not i.filename.endswith("/")]
        self.types = ContentTypes(led.read("[Content_Types].xml"))
        self.book = _book(led)
        self.rels = read_rels(led, self.book)
        self.sheets = [(s["name"], s["rid"]) for s in bookxml.sheets(led.read(self.book))]  # in tab order
        self._plan_drops(drop)

    def _plan_drops(self, drop: set[str]) -> None:
        """Cut the relationships to dropped sheets, macros and an earlier record; every part no
        longer reached goes (their drawings, comments, signatures…)."""
        cut = set()
        for name, rid in self.sheets:
            if name == RECORD_SHEET:  # a name no clerk picks: an earlier record goes, the new one is written
                drop.add(name)
                self.report.record_replaced = True
        self.report.dropped_sheets = [n for n, _ in self.sheets if n in drop]
        for name, rid in self.sheets:
            if name in drop:
                cut.add((self.book, rid))
        for rel in self.rels:
            part = resolve(self.book, rel.target)
            if rel.kind() == "vbaProject":
                cut.add((self.book, rel.id))
                self.report.macros_dropped = True
            elif rel.kind() == "customXml" and record_item(self.led, part) is not None:
                cut.add((self.book, rel.id))
                self.report.record_replaced = True
            elif rel.kind() == "calcChain" and self.report.dropped_sheets:
                cut.add((self.book, rel.id))  # it may name cells of the dropped sheets; Excel rebuilds it
        self.cut_ids = {rid for _, rid in cut}
        gone = reachable(self.led) - reachable(self.led, cut)
        gone |= {n for n in self.names if n.startswith("xl/vbaProject") or "vbaProjectSignature" in n}
        gone |= {rels_name(p) for p in gone}
        self.gone = {n for n in self.names if n in gone}
        self.report.macros_dropped |= any("vbaProject" in n for n in self.gone)
        self.report.dropped_parts = sorted(self.gone)

    def write(self, target: Path) -> FillReport:
        self.taken = set(self.names) - self.gone  # dropped parts free their names
        # …and their Overrides, now: a new part may take a dropped part's name, and its own type
        # must not be popped with the old one's (Excel: "We found a problem with some content").
        for part in self.gone:
            self.types.overrides.pop(part, None)
        self.new_parts: dict[str, object] = {}  # part → bytes, or (results part, rewrite) to stream
        self.sheet_parts: dict[str, str] = {}  # each sheet written → its part (for the record's stamps)
        self.new_rels: list[Rel] = []
        self.changed: dict[str, bytes] = {}
        styles = self._styles()
        front = self._result_sheets(styles)
        if self.record is not None:
            ledger_ids = [s["sheetId"] for s in bookxml.sheets(self.led.read(self.book))]
            front.append(self._record_sheet(1 + max([s["sheetId"] for s in front] + ledger_ids + [0])))
        self._index_parts(front)
        kept = {rid for _n, rid in self.sheets if rid not in self.cut_ids}
        sheet_of = {rid: name for name, rid in self.sheets}
        ledger_sheets = {resolve(self.book, r.target): sheet_of[r.id] for r in self.rels if r.id in kept}
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            _put(out, "[Content_Types].xml", self.changed.pop("[Content_Types].xml"))
            for name in self.names:
                if name in self.gone or name == "[Content_Types].xml":
                    continue
                if name in self.changed:
                    _put(out, name, self.changed[name])
                elif name in ledger_sheets:
                    self._copy_unselected(out, name, ledger_sheets[name])
                else:
                    self._copy(self.led, out, name, name)
            for name, content in self.new_parts.items():
                if content is None:  # the record: written last, when every sheet's stamp is known
                    continue
                if isinstance(content, bytes):
                    _put(out, name, content)
                elif content[1] is None:
                    self._copy(self.res, out, content[0], name)
                else:
                    with self.res.open(content[0]) as src, out.open(_entry(name), "w") as dst:
                        content[1](src, dst)
            if self.record is not None:
                sheets = {**{n: p for p, n in ledger_sheets.items()}, **self.sheet_parts}
                stamps = {n: part_stamp(out.getinfo(p)) for n, p in sheets.items() if p in out.NameToInfo}
                _put(out, self.record_part, record_sheet(self.record(stamps) if callable(self.record) else self.record))
        return self.report

    def _rel_id(self) -> str:
        used = {r.id for r in self.rels} | {r.id for r in self.new_rels}
        number = 1 + max([int(m.group(1)) for i in used if (m := re.fullmatch(r"rId(\d+)", i))] or [0])
        return f"rId{number}"

    def _add_rel(self, kind: str, part: str) -> None:
        self.new_rels.append(Rel(self._rel_id(), REL + kind, relative(self.book, part)))

    def _styles(self) -> StyleMap:
        res_book = _book(self.res)
        theirs = next((resolve(res_book, r.target) for r in read_rels(self.res, res_book) if r.kind() == "styles"), None)
        mine = next((resolve(self.book, r.target) for r in self.rels if r.kind() == "styles"), None)
        if theirs is None:
            return StyleMap()
        if mine is None or mine not in self.taken:  # a ledger without styles takes the results' whole
            part = fresh_name("xl/styles.xml", self.taken)
            self.new_parts[part] = self.res.read(theirs)
            self.types.add(part, "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")
            self._add_rel("styles", part)
            count = len(re.findall(rb"<xf\b", self.res.read(theirs).split(b"<cellXfs", 1)[-1].split(b"</cellXfs>")[0]))
            return StyleMap(xf=list(range(count)), dxf=list(range(4096)))
        merged, style_map = merge_styles(self.led.read(mine).decode("utf-8"), self.res.read(theirs))
        self.changed[mine] = merged.encode("utf-8")
        return style_map

    def _result_sheets(self, styles: StyleMap) -> list[dict]:
        """Copy each result sheet and every part it reaches under fresh names; the sheets' cells
        re-pointed at the merged styles, their strings inline."""
        res_book = _book(self.res)
        res_rels = {r.id: r for r in read_rels(self.res, res_book)}
        res_types = ContentTypes(self.res.read("[Content_Types].xml"))
        strings_part = next((resolve(res_book, r.target) for r in res_rels.values() if r.kind() == "sharedStrings"), None)
        strings = shared_strings(self.res.read(strings_part) if strings_part in self.res.namelist() else None)
        next_id = 1 + max([s["sheetId"] for s in bookxml.sheets(self.led.read(self.book))] or [0])
        front = []
        for sheet in bookxml.sheets(self.res.read(res_book)):
            part = resolve(res_book, res_rels[sheet["rid"]].target)
            renamed = {}
            for source in _closure(self.res, part):
                renamed[source] = fresh_name(source, self.taken)
            for source, new in renamed.items():
                if source == part:
                    self.new_parts[new] = (source, lambda src, dst: rewrite_result_sheet(src, dst, styles, strings))
                else:
                    self.new_parts[new] = (source, None)
                self.types.add(new, res_types.of(source) or "application/xml", source not in res_types.overrides)
                rels = read_rels(self.res, source)
                if rels:
                    for rel in rels:
                        target = resolve(source, rel.target)
                        if not rel.external and target in renamed:
                            rel.target = relative(new, renamed[target])
                    self.new_parts[rels_name(new)] = write_rels(rels)
                    self.types.add(rels_name(new), RELS_TYPE, True)
            self._add_rel("worksheet", renamed[part])
            self.sheet_parts[sheet["name"]] = renamed[part]
            front.append({"name": sheet["name"], "state": sheet["state"], "sheetId": next_id,
                          "rid": self.new_rels[-1].id})
            next_id += 1
        self.report.result_sheets = [s["name"] for s in front]
        return front

    def _record_sheet(self, sheet_id: int) -> dict:
        """The record, as a very hidden sheet after the result sheets (outputs/workbook/record.py)."""
        part = fresh_name("xl/worksheets/sheet1.xml", self.taken)
        self.new_parts[part], self.record_part = None, part  # its place kept; written last (write)
        self.types.add(part, WORKSHEET_TYPE)
        self._add_rel("worksheet", part)
        return {"name": RECORD_SHEET, "state": "veryHidden", "sheetId": sheet_id, "rid": self.new_rels[-1].id}

    def _index_parts(self, front: list[dict]) -> None:
        drop = set(self.report.dropped_sheets)
        kept = [i for i, (name, _rid) in enumerate(self.sheets) if name not in drop]
        moved = {old: len(front) + new for new, old in enumerate(kept)}
        text = self.led.read(self.book).decode("utf-8")
        names = bookxml.defined_names(self.res.read(_book(self.res)))
        self.changed[self.book] = bookxml.rewrite_book(text, front, names, drop, moved).encode("utf-8")
        rels = [r for r in self.rels if r.id not in self.cut_ids] + self.new_rels
        self.changed[rels_name(self.book)] = write_rels(rels)
        app = next((resolve("", r.target) for r in read_rels(self.led, "") if r.kind() == "extended-properties"), None)
        if app in self.taken and app not in self.gone:
            self.changed[app] = bookxml.update_app(self.led.read(app), [s["name"] for s in front], drop)
        self.changed["[Content_Types].xml"] = self._content_types()

    def _content_types(self) -> bytes:
        types = self.types
        if types.overrides.get(self.book) in MACRO_TYPES:
            types.overrides[self.book] = XLSX_MAIN
        types.defaults = {e: t for e, t in types.defaults.items() if t not in MACRO_TYPES}
        types.overrides = {p: t for p, t in types.overrides.items() if t not in MACRO_TYPES}
        for name in self.names:
            if name not in self.gone and name != "[Content_Types].xml" and types.of(name) is None:
                if name.endswith(".bin"):  # it leaned on the macro workbook's Default for .bin
                    types.overrides[name] = PRINTER_SETTINGS
        return types.to_bytes()

    def _copy(self, source: zipfile.ZipFile, out: zipfile.ZipFile, name: str, new: str) -> None:
        info = source.getinfo(name)
        if can_copy_raw(info):  # its compressed bytes as they are: no inflating and deflating again
            copy_raw(source, info, out, _entry(new))
            return
        with source.open(info) as src, out.open(_entry(new), "w", force_zip64=info.file_size > ZIP64_AT) as dst:
            shutil.copyfileobj(src, dst, COPY_CHUNK)

    def _copy_unselected(self, out: zipfile.ZipFile, name: str, sheet: str) -> None:
        """A ledger sheet, with `tabSelected` taken out of its sheet view, if it has it: only
        结算总览 is selected when the workbook opens. Only the sheet's head is looked at."""
        info = self.led.getinfo(name)
        if can_copy_raw(info) and not self._selected(info):  # nothing to edit: its compressed bytes as they are
            report = None if self.progress is None or info.file_size < PROGRESS_STEP else \
                (lambda done, total: self.progress(sheet, done * info.file_size // max(total, 1), info.file_size))
            copy_raw(self.led, info, out, _entry(name), report)
            return
        with self.led.open(info) as src, out.open(_entry(name), "w", force_zip64=info.file_size > ZIP64_AT) as dst:
            head = _head(src)
            end = head.find(b"<sheetData")
            end = len(head) if end < 0 else end
            edited = _SELECTED.sub(rb"\1", head[:end])
            if len(edited) != end:
                self.report.unselected_parts.append(name)
            dst.write(edited + head[end:])
            if self.progress is None or info.file_size < PROGRESS_STEP:
                shutil.copyfileobj(src, dst, COPY_CHUNK)
                return
            done, reported = len(head), 0
            while chunk := src.read(COPY_CHUNK):
                dst.write(chunk)
                done += len(chunk)
                if done - reported >= PROGRESS_STEP:
                    self.progress(sheet, done, info.file_size)
                    reported = done
            self.progress(sheet, info.file_size, info.file_size)


    def _selected(self, info: zipfile.ZipInfo) -> bool:
        """Does the sheet's head (before <sheetData>) select its tab?"""
        with self.led.open(info) as src:
            head = _head(src)
        end = head.find(b"<sheetData")
        return _SELECTED.search(head[:len(head) if end < 0 else end]) is not None


def _head(src) -> bytes:
    """A sheet part's first bytes, up to its <sheetData> (at most about HEAD_LIMIT)."""
    head = b""
    while len(head) < HEAD_LIMIT and b"<sheetData" not in head and (chunk := src.read(1 << 16)):
        head += chunk
    return head


RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
ZIP64_AT = 1 << 30


def _book(archive: zipfile.ZipFile) -> str:
    return next((resolve("", r.target) for r in read_rels(archive, "") if r.kind() == "officeDocument"),
                "xl/workbook.xml")


def _closure(archive: zipfile.ZipFile, part: str) -> list[str]:
    """`part` and every part it reaches through relationships, in a fixed order."""
    names, found, todo = set(archive.namelist()), [part], [part]
    while todo:
        source = todo.pop(0)
        for rel in read_rels(archive, source):
            target = resolve(source, rel.target)
            if not rel.external and target in names and target not in found:
                found.append(target)
                todo.append(target)
    return found


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _put(out: zipfile.ZipFile, name: str, data: bytes) -> None:
    out.writestr(_entry(name), data)
