"""The Markdown report read back as blocks (heading, paragraph, list item, quote, table), so
the Word report has exactly the Markdown report's sections and tables (one set of templates)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Block:
    kind: str  # title, heading, subheading, para, item, quote, table
    text: str = ""
    header: list[str] = field(default_factory=list)
    align: list[str] = field(default_factory=list)  # "right" or "left" per column
    rows: list[list[str]] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]
    parts = re.split(r"(?<!\\)\|", inner)
    return [p.strip().replace("\\|", "|") for p in parts]


def blocks(markdown: str) -> list[Block]:
    out: list[Block] = []
    para: list[str] = []

    def flush():
        if para:
            out.append(Block("para", "".join(para)))
            para.clear()

    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("|"):
            flush()
            table = [stripped]
            while i + 1 < len(lines) and lines[i + 1].strip().startswith("|"):
                i += 1
                table.append(lines[i].strip())
            header, rule, body = _cells(table[0]), _cells(table[1]), [_cells(r) for r in table[2:]]
            align = ["right" if r.endswith(":") else "left" for r in rule]
            out.append(Block("table", header=header, align=align, rows=body))
        elif stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            kind = {1: "title", 2: "heading"}.get(level, "subheading")
            out.append(Block(kind, stripped[level:].strip()))
        elif stripped.startswith(">"):
            flush()
            text = stripped.lstrip(">").strip()
            if text:
                out.append(Block("quote", text))
        elif stripped.startswith("- "):
            flush()
            out.append(Block("item", stripped[2:].strip()))
        elif out and out[-1].kind == "item" and line.startswith("  ") and not para:
            out[-1].text += stripped  # a list item continued on the next line
        else:
            para.append(stripped)
        i += 1
    flush()
    return out


def runs(text: str) -> list[tuple[str, bool]]:
    """Inline Markdown as (text, bold) runs: **bold** kept, `code` marks dropped."""
    pieces = re.split(r"(\*\*.+?\*\*)", text)
    out = []
    for piece in pieces:
        if not piece:
            continue
        bold = piece.startswith("**") and piece.endswith("**") and len(piece) > 4
        body = piece[2:-2] if bold else piece
        out.append((body.replace("`", ""), bold))
    return out
