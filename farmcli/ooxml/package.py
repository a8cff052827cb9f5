"""`Package`: a ledger's zip opened once (`open_package`), checked, and indexed — its parts and
their sizes, the workbook part, each sheet's part, the date system and the number formats.

Parts are read or streamed from the one open archive; the index parts are parsed with defusedxml.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from farmcli.model.findings import LedgerError
from farmcli.ooxml.guard import check_prologs, check_sizes
from farmcli.ooxml.opc import Rel, read_rels, resolve

REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_PERCENT_IDS = {9, 10}
_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


@dataclass(frozen=True)
class SheetPart:
    """One sheet of the workbook as workbook.xml lists it (worksheets, chart and dialog sheets)."""

    name: str
    rid: str
    part: str  # "" when its relationship is missing
    state: str = "visible"


@dataclass
class Styles:
    """Indices into cellXfs whose number format shows a percentage, or a date."""

    percent: set[int] = field(default_factory=set)
    dates: set[int] = field(default_factory=set)


class Package:
    """An open zip package. `kind`: xlsx, xlsm or ods (by content, never by the file's name)."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path, self.archive = path, archive
        infos = [i for i in archive.infolist() if not i.filename.endswith("/")]
        self.names = [i.filename for i in infos]
        self.sizes = {i.filename: i.file_size for i in infos}
        self.kind = _kind(archive, self.sizes)
        self.book = ""
        self.sheets: list[SheetPart] = []
        self.date1904 = False
        self._styles: Styles | None = None

    def __repr__(self) -> str:
        return f"Package({str(self.path)!r}, {self.kind}, {len(self.sheets)} sheets, {len(self.names)} parts)"

    # -- parts --------------------------------------------------------------------------------
    def has(self, part: str) -> bool:
        return part in self.sizes

    def read(self, part: str) -> bytes:
        return self.archive.read(part)

    def open(self, part: str):
        return self.archive.open(part)

    def rels(self, part: str) -> list[Rel]:
        return read_rels(self.archive, part)

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the workbook ---------------------------------------------------------------------------
    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def part_of(self, sheet: str) -> str:
        """The part holding `sheet` ("" when there is none)."""
        return next((s.part for s in self.sheets if s.name == sheet), "")

    @property
    def hidden(self) -> set[str]:
        return {s.name for s in self.sheets if s.state in ("hidden", "veryHidden")}

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            self._styles = _styles(self)
        return self._styles

    @property
    def modified(self) -> str | None:
        """When the file was last saved, as its core properties say (dcterms:modified, ISO 8601 as
        written), or None where they do not say."""
        part = next((resolve("", r.target) for r in self.rels("") if r.kind() == "core-properties"),
                    "docProps/core.xml")
        if not self.has(part):
            return None
        try:
            root = _parse(self.read(part))  # its size was checked with every part's when opened
        except Exception:  # a broken core part costs only the saved time: the file's own is used
            return None
        found = next((el.text for el in root.iter() if _local(el.tag) == "modified"), None)
        return found.strip() if found and found.strip() else None

    def _index(self) -> None:
        self.book = next((resolve("", r.target) for r in self.rels("") if r.kind() == "officeDocument"),
                         "xl/workbook.xml")
        if not self.has(self.book):
            self.book = "xl/workbook.xml"
        targets = {r.id: resolve(self.book, r.target) for r in self.rels(self.book) if not r.external}
        root = _parse(self.read(self.book))
        for el in root.iter():
            local = _local(el.tag)
            if local == "workbookPr":
                self.date1904 = el.get("date1904", "").strip().lower() in ("1", "true")
            elif local == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.startswith("{") and _local(k) == "id"), "")
                self.sheets.append(SheetPart(el.get("name", ""), rid, targets.get(rid, ""), el.get("state", "visible")))


class NotAWorkbook(LedgerError):
    """A zip that is no spreadsheet at all (a Word file, an archive): a folder lists it with the other
    files that are not ledgers, instead of sending it back as a broken one."""


def open_package(path: Path) -> Package:
    """The zip at `path`, opened once and checked; LedgerError (exit 2) when it cannot be read."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LedgerError(f"{path} 不是完整的 .xlsx 工作簿（压缩包无法打开：{exc}）。请在 Excel 中另存为 .xlsx 后再试。") from exc
    package = Package(path, archive)
    try:
        if package.kind != "ods":
            missing = [n for n in REQUIRED_PARTS if not package.has(n)]
            if missing:
                raise NotAWorkbook(f"{path} 是压缩包，但不是 Excel 工作簿（缺少 {'、'.join(missing)}）。请确认文件类型。")
        check_sizes(archive, path)
        check_prologs(archive, path)
        if package.kind != "ods":
            try:
                package._index()
            except Exception as exc:  # an index part that passed its prolog check but will not parse
                raise LedgerError(f"{path} 的工作簿结构（xl/workbook.xml）已损坏（{type(exc).__name__}），无法读取。"
                                  "请用 Excel 打开后另存为 .xlsx 再试。") from exc
    except BaseException:
        archive.close()
        raise
    return package


def _kind(archive: zipfile.ZipFile, sizes: dict[str, int]) -> str:
    if "mimetype" in sizes and sizes["mimetype"] < 200 and archive.read("mimetype").strip() == ODS_MIME:
        return "ods"
    return "xlsm" if "xl/vbaProject.bin" in sizes else "xlsx"


def _parse(data: bytes):
    from defusedxml.ElementTree import fromstring

    return fromstring(data)


def _local(tag: str) -> str:
    """`{namespace}name` or `prefix:name` → name: the main namespace may be transitional or strict."""
    return tag.rsplit("}", 1)[-1]


def _styles(package: Package) -> Styles:
    part = next((resolve(package.book, r.target) for r in package.rels(package.book) if r.kind() == "styles"), "")
    if not package.has(part):
        part = "xl/styles.xml" if package.has("xl/styles.xml") else ""
    out = Styles()
    if not part:
        return out
    root = _parse(package.read(part))
    custom = {}
    for el in root.iter():
        if _local(el.tag) == "numFmt":
            custom[_int(el.get("numFmtId"))] = el.get("formatCode", "")
    xfs = next((el for el in root.iter() if _local(el.tag) == "cellXfs"), None)
    for index, xf in enumerate(x for x in (xfs if xfs is not None else []) if _local(x.tag) == "xf"):
        fmt = _int(xf.get("numFmtId"))  # an <xf> without numFmtId is General (0): it still counts
        code = custom.get(fmt, "")
        if fmt in _PERCENT_IDS or "%" in _bare(code):
            out.percent.add(index)
        elif fmt in _DATE_IDS or (code and re.search(r"[ymdhs]", _bare(code).lower())):
            out.dates.add(index)
    return out


def _int(text: str | None) -> int:
    try:
        return int((text or "0").strip())
    except ValueError:
        return 0


def _bare(code: str) -> str:
    """A number format without its quoted text, [colours] and escaped characters."""
    return re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
