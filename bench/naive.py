"""The naive peer: what a plain pandas + openpyxl script does with the same ledger.

    python bench/naive.py ledger.xlsx out.xlsx
"""

import sys

import pandas as pd


def main(src: str, dst: str) -> None:
    sheets = pd.read_excel(src, sheet_name=None, engine="openpyxl")
    parcels = sheets["图斑"]
    done = parcels[parcels["状态"].isin(["已实施", "已验收入库"])]
    accepted = done[(done["状态"] == "已验收入库") & (pd.to_datetime(done["验收日期"]) <= "2022-11-30")]
    summary = pd.DataFrame({"实施恢复面积(亩)": done.groupby("乡镇名称")["面积(亩)"].sum(),
                            "验收入库面积(亩)": accepted.groupby("乡镇名称")["面积(亩)"].sum()})
    summary["补助金额(元)"] = (summary["验收入库面积(亩)"] * 2000).round(2)
    with pd.ExcelWriter(dst, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
        summary.to_excel(writer, sheet_name="乡镇汇总")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
