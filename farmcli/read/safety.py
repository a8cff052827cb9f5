"""Refuse workbooks that are not what they claim to be, before any parser sees them.

An .xlsx is a zip of XML parts. Checked here, cheaply, before calamine reads it:
- it is a zip holding an Office workbook ([Content_Types].xml and xl/workbook.xml);
- no part inflates absurdly (a zip bomb) and the whole does not exceed a size limit;
- no XML part declares a DTD or entities (billion laughs, external entities): each
  part's prolog is parsed with defusedxml, which forbids them, up to its root element.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from farmcli.model.findings import LedgerError

MAX_UNCOMPRESSED = 4 * 1024**3  # the whole workbook, inflated
MAX_RATIO = 200  # a part inflating more than this …
RATIO_FLOOR = 50 * 1024**2  # … and to more than 50 MiB is a zip bomb
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def check_xlsx(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LedgerError(f"{path} 不是完整的 .xlsx 工作簿（压缩包无法打开：{exc}）。请在 Excel 中另存为 .xlsx 后再试。") from exc
    with archive:
        names = set(archive.namelist())
        missing = [n for n in REQUIRED_PARTS if n not in names]
        if missing:
            raise LedgerError(f"{path} 是压缩包，但不是 Excel 工作簿（缺少 {'、'.join(missing)}）。请确认文件类型。")
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                raise LedgerError(f"{path} 中的 {info.filename} 解压后 {info.file_size // 2**20} MiB，压缩比 {ratio:.0f}:1，"
                                  "疑似压缩炸弹，拒绝读取。")
            if total > MAX_UNCOMPRESSED:
                raise LedgerError(f"{path} 解压后超过 {MAX_UNCOMPRESSED // 2**30} GiB，拒绝读取。请拆分台账。")
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_prolog(archive, info, path)


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    """A DTD can only stand before the root element: parse up to it with defusedxml."""
    try:
        with archive.open(info) as part:
            for _event, _element in iterparse(part, events=("start",), forbid_dtd=True):
                break
    except DefusedXmlException as exc:
        raise LedgerError(f"{path} 中的 {info.filename} 含有 DTD 或实体声明（{type(exc).__name__}），"
                          "可能是恶意构造的文件，拒绝读取。") from exc
    except Exception as exc:  # malformed XML, truncated part, bad zip entry
        raise LedgerError(f"{path} 中的 {info.filename} 已损坏（{type(exc).__name__}），无法读取。"
                          "请用 Excel 打开后另存为 .xlsx 再试。") from exc


# A formula cell saved without its result: <c r="C7"><f>SUM(…)</f></c> (no <v>). Programs other
# than Excel often save workbooks like this; every reader then sees a blank cell.
_UNCACHED = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
_SHEET = re.compile(rb'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')


def uncached_formulas(path: Path) -> dict[str, list[str]]:
    """Sheet name → cells holding a formula with no saved value (read as blank)."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        for name, part in parts.items():
            if part not in archive.namelist() or not _mentions_formula(archive, part):
                continue
            cells = [m.group(1).decode() for m in _UNCACHED.finditer(archive.read(part))]
            if cells:
                found[name] = cells
    return found


def _mentions_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """Stream the part looking for '<f' so big sheets without formulas cost one pass and no memory."""
    tail = b""
    with archive.open(part) as fh:
        while chunk := fh.read(1 << 20):
            if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                return True
            tail = chunk[-3:]
    return False


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    from html import unescape

    rels = {}
    for m in _REL.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        target = target.decode()
        rels[rid] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return {unescape(m.group(1).decode()): rels.get(m.group(2), "") for m in _SHEET.finditer(archive.read("xl/workbook.xml"))}
