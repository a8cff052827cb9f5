"""What the operating system refused, in words a clerk reads: a full disk, a name too long, an output
open in Excel/WPS or Word/WPS (Windows refuses to replace it), no permission. Every message says
what was kept and what to do; `cli.py` prints them, nothing here prints."""

from __future__ import annotations

from pathlib import Path

from farmcli.outputs.files.atomic import ReplaceError


def write_message(folder: Path, exc: OSError) -> str:
    """Nothing was replaced (every output is written aside first): what failed, and what to do."""
    import errno

    kept = "之前的结算文件保持原样。"
    if exc.errno == errno.ENOSPC:
        return f"无法写入输出文件夹 {folder}：磁盘已满。{kept}请腾出磁盘空间后重新运行，或用 --out 换一个有空间的位置。"
    if exc.errno == errno.ENAMETOOLONG:
        return (f"无法写入输出文件夹 {folder}：文件名太长，超出文件系统的限制。{kept}"
                "请把台账文件改一个短些的名字，或用 --out 换一个路径较短的文件夹。")
    return f"无法写入输出文件夹 {folder}：{os_reason(exc)}。{kept}请检查文件夹权限或换一个 --out。"


def replace_message(exc: ReplaceError) -> str:
    name = exc.target.name
    kept = ("本次没有替换任何结果，之前的结算文件保持原样。" if exc.restored else
            "之前的结算文件已暂存在同一文件夹中，下次运行 farmcli 时会先把它们放回原处。")
    if isinstance(exc.cause, PermissionError) or getattr(exc.cause, "winerror", None) in (32, 33):
        app = opened_in(exc.target)
        return (f"无法替换 {exc.target}：文件可能正在 {app.replace('/', ' 或 ')} 中打开（或没有写入权限）。"
                f"请在 {app} 中关闭“{name}”后重新运行。{kept}")
    return f"无法替换 {exc.target}：{os_reason(exc.cause)}。{kept}请检查文件夹后重新运行。"


def opened_in(path) -> str:
    """The programs a clerk has the output open in: a .docx in Word/WPS, a workbook in Excel/WPS."""
    suffix = Path(path).suffix.lower()
    return "Word/WPS" if suffix in (".docx", ".doc") else "Excel/WPS" if suffix in (".xlsx", ".xlsm") else "编辑器"


def os_reason(exc: OSError) -> str:
    """The operating system's reason, in words a clerk reads."""
    import errno

    reasons = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满",
               errno.EROFS: "是只读的位置", errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
               errno.ENOENT: "路径不存在", errno.EISDIR: "同名的是文件夹", errno.ENAMETOOLONG: "文件名太长"}
    return reasons.get(exc.errno, exc.strerror or str(exc))
