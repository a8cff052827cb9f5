"""Result sheets moved into the ledger's package: their styles appended to the ledger's
styles.xml, their cells re-pointed at the appended styles, their shared strings made inline.

The ledger's styles.xml is edited as text (its other bytes, prefixes and extensions stay as
saved); the results' styles.xml comes from xlsxwriter and is parsed with defusedxml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from defusedxml.ElementTree import fromstring

from farmcli.ooxml.opc import esc

# CT_Stylesheet's children, in the order the schema requires.
SECTIONS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
            "tableStyles", "colors", "extLst")
APPENDED = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf",
            "dxfs": "dxf"}
FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in number formats


@dataclass
class StyleMap:
    xf: list[int] = field(default_factory=list)  # result cellXfs index → index in the merged styles
    dxf: list[int] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _serialise(node, prefix: str, attrs: dict[str, str] | None = None) -> str:
    """An element of the results' styles, written in the ledger's prefix (namespaced attributes,
    which xlsxwriter does not write, are left out)."""
    attrs = attrs if attrs is not None else node.attrib
    text = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items() if not k.startswith("{"))
    inner = esc(node.text or "") + "".join(_serialise(child, prefix) for child in node)
    name = prefix + _local(node.tag)
    return f"<{name}{text}>{inner}</{name}>" if inner else f"<{name}{text}/>"


def _children(root, section: str) -> list:
    for node in root:
        if _local(node.tag) == section:
            return [child for child in node if _local(child.tag) == APPENDED[section]]
    return []


def merge_styles(ledger: str, results: bytes) -> tuple[str, StyleMap]:
    """The ledger's styles.xml with the results' formats, fonts, fills, borders, cell formats and
    differential formats appended; and where each result format went."""
    mine, theirs = fromstring(ledger.encode("utf-8")), fromstring(results)
    prefix = re.match(r"\s*(?:<\?xml[^>]*\?>\s*)?<(\w+:)?styleSheet\b", ledger)
    prefix = (prefix.group(1) or "") if prefix else ""
    have = {s: len(_children(mine, s)) for s in APPENDED}
    custom = [int(n.get("numFmtId", 0)) for n in _children(mine, "numFmts")]
    next_id = max([FIRST_CUSTOM_FORMAT - 1, *custom]) + 1
    formats: dict[int, int] = {}
    added: dict[str, list[str]] = {s: [] for s in APPENDED}
    for node in _children(theirs, "numFmts"):
        old = int(node.get("numFmtId", 0))
        if old < FIRST_CUSTOM_FORMAT:
            formats[old] = old
            continue
        formats[old] = next_id
        added["numFmts"].append(_serialise(node, prefix, {**node.attrib, "numFmtId": str(next_id)}))
        next_id += 1
    for section in ("fonts", "fills", "borders"):
        added[section] = [_serialise(n, prefix) for n in _children(theirs, section)]
    for node in _children(theirs, "cellXfs"):
        attrs = dict(node.attrib)
        number = int(attrs.get("numFmtId", 0))
        attrs["numFmtId"] = str(formats.get(number, number))
        for key, section in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            attrs[key] = str(int(attrs.get(key, 0)) + have[section])
        attrs["xfId"] = "0"  # the ledger's Normal style; xlsxwriter's own is Normal too
        added["cellXfs"].append(_serialise(node, prefix, attrs))
    for node in _children(theirs, "dxfs"):
        for fmt in (n for n in node if _local(n.tag) == "numFmt"):
            number = int(fmt.get("numFmtId", 0))
            if number >= FIRST_CUSTOM_FORMAT:
                fmt.set("numFmtId", str(formats.setdefault(number, number)))
        added["dxfs"].append(_serialise(node, prefix))
    text = ledger
    for section in APPENDED:
        if added[section]:
            text = _append(text, prefix, section, added[section], have[section])
    style_map = StyleMap(xf=[have["cellXfs"] + i for i in range(len(added["cellXfs"]))],
                         dxf=[have["dxfs"] + i for i in range(len(added["dxfs"]))])
    return text, style_map


def _append(text: str, prefix: str, section: str, items: list[str], count: int) -> str:
    """Append `items` to the section's children and set its count; create the section if absent."""
    tag = prefix + section
    body, total = "".join(items), count + len(items)
    empty = re.search(rf"<{tag}\b([^>]*?)/>", text)
    if empty:
        attrs = _count(empty.group(1), total)
        return text[:empty.start()] + f"<{tag}{attrs}>{body}</{tag}>" + text[empty.end():]
    opening = re.search(rf"<{tag}\b([^>]*)>", text)
    if opening:
        close = text.index(f"</{tag}>", opening.end())
        head = f"<{tag}{_count(opening.group(1), total)}>"
        return text[:opening.start()] + head + text[opening.end():close] + body + text[close:]
    later = SECTIONS[SECTIONS.index(section) + 1:]
    spots = [m.start() for s in later if (m := re.search(rf"<{prefix}{s}\b", text))]
    spot = min(spots) if spots else text.rindex(f"</{prefix}styleSheet>")
    return text[:spot] + f'<{tag} count="{total}">{body}</{tag}>' + text[spot:]


def _count(attrs: str, total: int) -> str:
    if re.search(r'\bcount="\d*"', attrs):
        return re.sub(r'\bcount="\d*"', f'count="{total}"', attrs)
    return f' count="{total}"{attrs}'


def shared_strings(data: bytes | None) -> list[bytes]:
    """Each <si>'s inner XML: the same content model as an inline string's <is>."""
    if not data:
        return []
    return re.findall(rb"<si>(.*?)</si>|<si/>", data, re.S)


_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_STYLE = re.compile(rb'(\ss=")(\d+)(")')
_ROW = re.compile(rb'(<row\b[^>]*?\ss=")(\d+)(")')
_COL = re.compile(rb'(<col\b[^>]*?\sstyle=")(\d+)(")')
_DXF = re.compile(rb'(\sdxfId=")(\d+)(")')
_SHARED = re.compile(rb'\st="s"')
_INDEX = re.compile(rb"<v>(\d+)</v>")


def rewrite_result_sheet(src: BinaryIO, dst: BinaryIO, styles: StyleMap, strings: list[bytes]) -> None:
    """Copy a result sheet with its style indexes re-pointed and its shared strings inlined.
    Streamed row by row: a result sheet may be long (one row per finding). Inline strings are
    text whatever they start with; no formula is ever written."""
    def restyle(m: re.Match, table: list[int]) -> bytes:
        return m.group(1) + str(table[int(m.group(2))]).encode() + m.group(3)

    def cell(m: re.Match) -> bytes:
        attrs = _STYLE.sub(lambda s: restyle(s, styles.xf), m.group(1))
        if m.group(3) is None or not _SHARED.search(attrs):
            return b"<c" + attrs + (m.group(2) if m.group(3) is None else b">" + m.group(3) + b"</c>")
        index = _INDEX.search(m.group(3))
        text = strings[int(index.group(1))] if index else b""
        return b"<c" + _SHARED.sub(b' t="inlineStr"', attrs) + b"><is>" + text + b"</is></c>"

    def piece(data: bytes) -> bytes:
        data = _ROW.sub(lambda m: restyle(m, styles.xf), data)
        data = _COL.sub(lambda m: restyle(m, styles.xf), data)
        data = _DXF.sub(lambda m: restyle(m, styles.dxf), data)
        return _CELL.sub(cell, data)

    buffer = b""
    while chunk := src.read(1 << 20):
        buffer += chunk
        cut = buffer.rfind(b"</row>")
        if cut >= 0:
            dst.write(piece(buffer[:cut + 6]))
            buffer = buffer[cut + 6:]
    dst.write(piece(buffer))
