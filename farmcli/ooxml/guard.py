"""Refuse a zip package that is not what it claims to be, before any parser sees its parts.

- no part inflates absurdly (a zip bomb) and the whole does not exceed a size limit;
- no XML part declares a DTD or entities (billion laughs, external entities): each part's
  prolog is parsed with defusedxml, which forbids them, up to its root element.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from farmcli.model.findings import LedgerError

MAX_UNCOMPRESSED = 4 * 1024**3  # the whole workbook, inflated
MAX_RATIO = 200  # a part inflating more than this …
RATIO_FLOOR = 50 * 1024**2  # … and to more than 50 MiB is a zip bomb
XML_SUFFIXES = (".xml", ".rels", ".vml")


def check_sizes(archive: zipfile.ZipFile, path: Path) -> None:
    """A part that inflates absurdly, or a whole too big to read, is refused (LedgerError)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise LedgerError(f"{path} 中的 {info.filename} 解压后 {info.file_size // 2**20} MiB，压缩比 {ratio:.0f}:1，"
                              "疑似压缩炸弹，拒绝读取。")
        if total > MAX_UNCOMPRESSED:
            raise LedgerError(f"{path} 解压后超过 {MAX_UNCOMPRESSED // 2**30} GiB，拒绝读取。请拆分台账。")


def check_prologs(archive: zipfile.ZipFile, path: Path) -> None:
    for info in archive.infolist():
        if info.filename.endswith(XML_SUFFIXES):
            check_prolog(archive, info, path)


def check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
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
