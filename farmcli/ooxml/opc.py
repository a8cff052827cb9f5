"""The package layer of an .xlsx (Open Packaging Conventions): parts, relationships, content types.

Small parts only are parsed (defusedxml: no DTDs, no entities); big parts are never read here.
Part names are kept without the leading slash ("xl/workbook.xml"); the package root is "".
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass

from defusedxml.ElementTree import fromstring

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass
class Rel:
    id: str
    type: str
    target: str  # as written in the .rels part
    external: bool = False

    def kind(self) -> str:
        """The last word of the relationship type: worksheet, styles, vbaProject, customXml …"""
        return self.type.rsplit("/", 1)[-1]


def esc(text: str) -> str:
    """Text for an XML attribute value or element content."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def rels_name(part: str) -> str:
    """The .rels part of `part`: xl/workbook.xml → xl/_rels/workbook.xml.rels; the root → _rels/.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def read_rels(archive: zipfile.ZipFile, part: str) -> list[Rel]:
    try:
        data = archive.read(rels_name(part))
    except KeyError:
        return []
    rels = []
    for node in fromstring(data):
        if node.tag == f"{{{REL_NS}}}Relationship":
            rels.append(Rel(node.get("Id", ""), node.get("Type", ""), node.get("Target", ""),
                            node.get("TargetMode") == "External"))
    return rels


def write_rels(rels: list[Rel]) -> bytes:
    items = "".join(f'<Relationship Id="{esc(r.id)}" Type="{esc(r.type)}" Target="{esc(r.target)}"'
                    + (' TargetMode="External"' if r.external else "") + "/>" for r in rels)
    return f'{XML_HEAD}<Relationships xmlns="{REL_NS}">{items}</Relationships>'.encode()


def resolve(source: str, target: str) -> str:
    """The part a relationship of `source` points at."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


def reachable(archive: zipfile.ZipFile, cut: set[tuple[str, str]] = frozenset()) -> set[str]:
    """Every part reached from the package root through relationships, except through the
    (source part, relationship id) edges in `cut`."""
    names = set(archive.namelist())
    seen: set[str] = set()
    todo = [""]
    while todo:
        source = todo.pop()
        for rel in read_rels(archive, source):
            if rel.external or (source, rel.id) in cut:
                continue
            part = resolve(source, rel.target)
            if part not in seen and part in names:
                seen.add(part)
                todo.append(part)
    return seen


def fresh_name(part: str, taken: set[str]) -> str:
    """`part` renumbered (sheet1.xml → sheet3.xml) so that it is not in `taken`; adds it there."""
    folder, name = posixpath.split(part)
    stem, ext = re.fullmatch(r"(.*?)\d*(\.[^.]*)?", name).groups()
    ext = ext or ""
    number = 1
    while (candidate := posixpath.join(folder, f"{stem}{number}{ext}")) in taken:
        number += 1
    taken.add(candidate)
    return candidate


def _extension(part: str) -> str:
    """The extension a Default matches: "rels" for _rels/.rels too (splitext would say none)."""
    name = posixpath.basename(part)
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


class ContentTypes:
    """[Content_Types].xml as Defaults (by extension) and Overrides (by part), in their order."""

    def __init__(self, data: bytes):
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        for node in fromstring(data):
            if node.tag == f"{{{CT_NS}}}Default":
                self.defaults[node.get("Extension", "").lower()] = node.get("ContentType", "")
            elif node.tag == f"{{{CT_NS}}}Override":
                self.overrides[node.get("PartName", "").lstrip("/")] = node.get("ContentType", "")

    def of(self, part: str) -> str | None:
        if part in self.overrides:
            return self.overrides[part]
        return self.defaults.get(_extension(part))

    def add(self, part: str, content_type: str, by_extension: bool = False) -> None:
        """Make `part` have `content_type`: by a Default for its extension when asked and free."""
        ext = _extension(part)
        if self.of(part) == content_type:
            return
        if by_extension and ext and ext not in self.defaults:
            self.defaults[ext] = content_type
        else:
            self.overrides[part] = content_type

    def to_bytes(self) -> bytes:
        items = [f'<Default Extension="{esc(e)}" ContentType="{esc(t)}"/>' for e, t in self.defaults.items()]
        items += [f'<Override PartName="/{esc(p)}" ContentType="{esc(t)}"/>' for p, t in self.overrides.items()]
        return f'{XML_HEAD}<Types xmlns="{CT_NS}">{"".join(items)}</Types>'.encode()
