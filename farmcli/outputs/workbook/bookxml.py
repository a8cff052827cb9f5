"""Text edits of the ledger's workbook.xml and docProps/app.xml for the filled workbook.

The parts are read with defusedxml to learn what they hold, and edited as text, so the ledger's
prefixes, extensions and every element farmcli does not touch stay exactly as saved.
"""

from __future__ import annotations

import html
import re

from defusedxml.ElementTree import fromstring

from farmcli.ooxml.opc import OFFICE_REL, esc


def sheets(data: bytes) -> list[dict]:
    """The workbook's sheets in tab order: name, sheetId, rid, state."""
    found = []
    for node in fromstring(data).iter():
        if node.tag.rsplit("}", 1)[-1] == "sheet":
            found.append({"name": node.get("name", ""), "sheetId": int(node.get("sheetId", 0) or 0),
                          "rid": node.get(f"{{{OFFICE_REL}}}id", ""), "state": node.get("state", "visible")})
    return found


def _prefix(text: str) -> str:
    match = re.search(r"<(\w+:)?workbook\b", text)
    return (match.group(1) or "") if match else ""


def defined_names(data: bytes) -> list[str]:
    """The <definedName> elements of a workbook.xml written by xlsxwriter, as written."""
    return re.findall(r"<definedName\b[^>]*?(?:/>|>.*?</definedName>)", data.decode("utf-8"), re.S)


def rewrite_book(text: str, front: list[dict], front_names: list[str], drop: set[str], moved: dict[int, int]) -> str:
    """workbook.xml with the `front` sheets first, the `drop` sheets gone, the results' defined
    names added, the ledger's re-pointed (`moved`: old sheet index → new; absent = dropped), and
    the view opening on the first sheet."""
    p = _prefix(text)
    # Only a declaration on the root reaches the new <sheet>s (openpyxl declares it on each sheet).
    root = re.search(rf"<{p}workbook\b[^>]*>", text)
    rel = re.search(rf'xmlns:(\w+)="{re.escape(OFFICE_REL)}"', root.group(0)) if root else None
    r = rel.group(1) if rel else "r"
    declare = "" if rel else f' xmlns:r="{OFFICE_REL}"'
    new = "".join(f'<{p}sheet name="{esc(s["name"])}" sheetId="{s["sheetId"]}"'
                  + (f' state="{esc(s["state"])}"' if s["state"] != "visible" else "")
                  + f'{declare} {r}:id="{esc(s["rid"])}"/>' for s in front)

    def sheet_list(m: re.Match) -> str:
        kept = [e for e in re.findall(rf"<{p}sheet\b[^>]*?(?:/>|>.*?</{p}sheet>)", m.group(2), re.S)
                if _attr(e, "name") not in drop]
        return m.group(1) + new + "".join(kept) + m.group(3)

    text = re.sub(rf"(<{p}sheets\b[^>]*>)(.*?)(</{p}sheets>)", sheet_list, text, count=1, flags=re.S)
    text = _names(text, p, [n if not p else re.sub(r"(</?)definedName", rf"\1{p}definedName", n) for n in front_names],
                  drop, moved)
    return _open_on_first(text, p)


def _attr(element: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', element)
    return html.unescape(match.group(1)) if match else None


def _names(text: str, p: str, front: list[str], drop: set[str], moved: dict[int, int]) -> str:
    # An empty <definedNames/> (openpyxl writes one) is no block to fill: remove it, so the
    # names below go into exactly one <definedNames> (two make the workbook invalid).
    text = re.sub(rf"<{p}definedNames\b[^>]*/>", "", text)
    block = re.search(rf"(<{p}definedNames\b[^>]*>)(.*?)(</{p}definedNames>)", text, re.S)
    ledger = re.findall(rf"<{p}definedName\b[^>]*?(?:/>|>.*?</{p}definedName>)", block.group(2), re.S) if block else []
    kept = []
    for element in ledger:
        local = _attr(element, "localSheetId")
        body = html.unescape(re.sub(r"<[^>]*>", "", element))
        if any(f"'{d}'!" in body or f"{d}!" in body for d in drop):
            continue  # it pointed into a dropped sheet
        if local is not None:
            if int(local) not in moved:
                continue
            element = re.sub(r'(\slocalSheetId=")\d+(")', rf"\g<1>{moved[int(local)]}\g<2>", element, count=1)
        kept.append(element)
    names = "".join(front + kept)
    if block:
        if not names:
            return text[:block.start()] + text[block.end():]
        return text[:block.start()] + block.group(1) + names + block.group(3) + text[block.end():]
    if not names:
        return text
    after = [m.end() for tag in ("sheets", "functionGroups", "externalReferences")
             for m in re.finditer(rf"</{p}{tag}>|<{p}{tag}\b[^>]*/>", text)]
    spot = max(after)
    return text[:spot] + f"<{p}definedNames>{names}</{p}definedNames>" + text[spot:]


def _open_on_first(text: str, p: str) -> str:
    view = re.search(rf"<{p}workbookView\b[^>]*?/?>", text)
    if view is None:
        spot = text.index(f"<{p}sheets")
        return text[:spot] + f'<{p}bookViews><{p}workbookView activeTab="0"/></{p}bookViews>' + text[spot:]
    element = view.group(0)
    for key in ("activeTab", "firstSheet"):
        if re.search(rf'\s{key}="', element):
            element = re.sub(rf'(\s{key}=")[^"]*(")', r"\g<1>0\g<2>", element)
        elif key == "activeTab":
            element = re.sub(rf"^<{p}workbookView", f'<{p}workbookView activeTab="0"', element)
    return text[:view.start()] + element + text[view.end():]


def update_app(data: bytes, front: list[str], drop: set[str]) -> bytes:
    """docProps/app.xml with the sheet titles brought up to date; when its lists are not laid out
    as Excel writes them, they are left out (they are optional, and Excel rewrites them)."""
    text = data.decode("utf-8")
    titles = re.search(r"<TitlesOfParts>\s*<vt:vector size=\"\d+\" baseType=\"lpstr\">(.*?)</vt:vector>\s*</TitlesOfParts>",
                       text, re.S)
    pairs = re.search(r"<HeadingPairs>\s*<vt:vector size=\"\d+\" baseType=\"variant\">\s*<vt:variant>\s*<vt:lpstr>"
                      r"[^<]*</vt:lpstr>\s*</vt:variant>\s*<vt:variant>\s*<vt:i4>(\d+)</vt:i4>", text, re.S)
    if not titles and not pairs:
        return data
    items = re.findall(r"<vt:lpstr>(.*?)</vt:lpstr>", titles.group(1), re.S) if titles else []
    count = int(pairs.group(1)) if pairs else -1
    if not titles or not pairs or count > len(items):
        text = re.sub(r"<HeadingPairs>.*?</HeadingPairs>|<TitlesOfParts>.*?</TitlesOfParts>", "", text, flags=re.S)
        return text.encode("utf-8")
    sheets_now = [esc(n) for n in front] + [i for i in items[:count] if html.unescape(i) not in drop]
    items = sheets_now + items[count:]
    vector = f'<vt:vector size="{len(items)}" baseType="lpstr">' + "".join(f"<vt:lpstr>{i}</vt:lpstr>" for i in items)
    text = text[:titles.start()] + f"<TitlesOfParts>{vector}</vt:vector></TitlesOfParts>" + text[titles.end():]
    pairs = re.search(r"(<HeadingPairs>.*?<vt:i4>)(\d+)(</vt:i4>)", text, re.S)
    text = text[:pairs.start()] + pairs.group(1) + str(len(sheets_now)) + pairs.group(3) + text[pairs.end():]
    return text.encode("utf-8")
