"""The floor: read every cell of the ledger with python-calamine and write the same cells with
xlsxwriter in constant-memory mode, row by row — no parsing, no computation.

    python bench/floor.py ledger.xlsx out.xlsx
"""

import sys

import xlsxwriter
from python_calamine import CalamineWorkbook


def main(src: str, dst: str) -> None:
    book = CalamineWorkbook.from_path(src)
    out = xlsxwriter.Workbook(dst, {"constant_memory": True, "strings_to_formulas": False,
                                    "default_date_format": "yyyy-mm-dd"})
    for name in book.sheet_names:
        ws = out.add_worksheet(name)
        for r, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False)):
            ws.write_row(r, 0, row)
    out.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
