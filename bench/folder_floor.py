"""The floor of the folder case (issue 28): python-calamine reads every cell of every workbook in
the folder, and xlsxwriter (constant-memory) writes each sheet's rows of all files into one
combined sheet with 来源文件 and 来源行 in front — no parsing, no computation.

    python bench/folder_floor.py bench/out/folder-100x10000 out.xlsx
"""

import sys
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook


def main(src: str, dst: str) -> None:
    files = sorted(p for p in Path(src).rglob("*.xlsx") if not p.name.startswith("~$"))
    out = xlsxwriter.Workbook(dst, {"constant_memory": True, "strings_to_formulas": False,
                                    "default_date_format": "yyyy-mm-dd"})
    sheets: dict[str, list] = {}  # sheet → [worksheet, next row]
    for path in files:  # one file at a time, like farmcli
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if name not in sheets:
                sheets[name] = [out.add_worksheet(name), 0]
            ws, r = sheets[name]
            for line, row in enumerate(rows, start=1):
                ws.write_row(r, 0, [path.name, line, *row])
                r += 1
            sheets[name][1] = r
    out.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
