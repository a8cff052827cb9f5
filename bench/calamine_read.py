"""The reading floor of one settle: python-calamine reads the sheets farmcli needs (the policy's
and the scoring table's, those the ledger has), every cell, and nothing else is done.

    python bench/calamine_read.py ledger.xlsx taojiang
"""

import sys

from python_calamine import CalamineWorkbook


def needed(policy: str) -> set[str]:
    from farmcli.model.schema import ALIASES, SETTINGS
    from farmcli.policies import policy_module
    from farmcli.scoring.pipeline import SHEETS as SCORING

    return {s.name for s in (*policy_module(policy).SHEETS, *SCORING, SETTINGS, ALIASES)}


def main(src: str, policy: str) -> None:
    book = CalamineWorkbook.from_path(src)
    wanted = needed(policy)
    for name in book.sheet_names:
        if name in wanted:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
