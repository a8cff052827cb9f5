"""The settlement's record inside the filled workbook: a custom XML part, as Office keeps them.

`customXml/itemN.xml` holds `<farmcli xmlns="urn:farmcli:record" encoding="base64">…</farmcli>`
(base64, so no byte of the JSON can break the XML), with its `itemPropsN.xml`.
"""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

from farmcli.ooxml.opc import Rel, write_rels
from farmcli.ooxml.package import Package

RECORD_NS = "urn:farmcli:record"
RECORD_LIMIT = 256 * 1024**2  # a record part larger than this is not ours
PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
DATASTORE_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
RECORD_GUID = "{6E0F7A4B-3C1D-5B2A-9F80-FA4C11E0D5A1}"  # one fixed id: same settlement, same bytes
PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"


def read_record(path: Path | Package) -> bytes | None:
    """The record `fill_workbook` stored in the workbook at `path` (or in an open package), or None."""
    if isinstance(path, Package):
        return _find_record(path.archive)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    with archive:
        return _find_record(archive)


def _find_record(archive: zipfile.ZipFile) -> bytes | None:
    for info in archive.infolist():
        found = record_item(archive, info.filename)
        if found is not None:
            return found
    return None


def record_item(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The record in part `name`, if it is a farmcli record."""
    if not re.fullmatch(r"customXml/item\d+\.xml", name) or name not in archive.namelist():
        return None
    if archive.getinfo(name).file_size > RECORD_LIMIT:
        return None
    data = archive.read(name)
    if RECORD_NS.encode() not in data[:512]:
        return None
    try:
        root = fromstring(data)
        if root.tag != f"{{{RECORD_NS}}}farmcli":
            return None
        return base64.b64decode(root.text or "", validate=True)
    except Exception:  # a damaged or foreign item is simply not a record
        return None


def record_parts(record: bytes, item: str, props: str) -> dict[str, bytes]:
    """The item, its properties and its relationships, by part name."""
    body = base64.b64encode(record).decode()
    folder, name = item.rsplit("/", 1)
    return {
        item: (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<farmcli xmlns="{RECORD_NS}" encoding="base64">{body}</farmcli>').encode(),
        props: (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ds:datastoreItem ds:itemID="{RECORD_GUID}" '
                f'xmlns:ds="{DATASTORE_NS}"><ds:schemaRefs><ds:schemaRef ds:uri="{RECORD_NS}"/></ds:schemaRefs>'
                f'</ds:datastoreItem>').encode(),
        f"{folder}/_rels/{name}.rels": write_rels([Rel("rId1", PROPS_REL, props.rsplit("/", 1)[1])]),
    }


def record_dict(data: bytes | None) -> dict | None:
    """A stored record (`read_record`'s bytes) as the JSON object it holds, or None when there is
    none or it cannot be read (then the settlement found is not compared with)."""
    import json

    if data is None:
        return None
    try:
        record = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
