"""click's own words in Chinese (issue 26 §4): help pages, usage lines and usage errors.

Through typer's documented hooks — the command and group classes (`cls=`) and the help option
they build — rather than patching click: farmcli's commands render their help through these
classes, and `usage_message` turns click's usage errors into one Chinese message.
"""

from __future__ import annotations

import difflib
import re

from typer.core import TyperCommand, TyperGroup

# click's section titles and fixed phrases, as they appear in a rendered help page
_HELP_WORDS = (
    ("Usage: ", "用法："), ("\nArguments:\n", "\n参数：\n"), ("\nOptions:\n", "\n选项：\n"),
    ("\nCommands:\n", "\n命令：\n"), ("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."),
    ("[required]", "[必填]"), ("Show this message and exit.", "显示本帮助并退出。"),
)
# parameter types as typer names them; a clerk reads what to type instead
_TYPES = {"str": "文本", "path": "路径", "int": "整数", "float": "数字"}
_TYPE = re.compile(r"<(?:list\[)?(\w+)\]?>")


def zh_help(text: str) -> str:
    for english, chinese in _HELP_WORDS:
        text = text.replace(english, chinese)
    text = re.sub(r"\[default: ([^\]]*)\]", r"[缺省：\1]", text)
    return _TYPE.sub(lambda m: f"<{_TYPES.get(m.group(1), m.group(1))}>", text)


class _Chinese:
    def get_help(self, ctx) -> str:
        return zh_help(super().get_help(ctx))

    def get_usage(self, ctx) -> str:
        return zh_help(super().get_usage(ctx))

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class ChineseCommand(_Chinese, TyperCommand):
    pass


class ChineseGroup(_Chinese, TyperGroup):
    pass


def usage_message(exc, argv: list[str]) -> str:
    """One Chinese message for a click usage error: what is wrong, the usage line, and the help
    of the command that was typed (not always `settle --help`)."""
    ctx = getattr(exc, "ctx", None)
    try:
        what = _what(exc, ctx)
    except Exception:  # noqa: BLE001 — an unforeseen click error still gets a Chinese line
        what = "命令行参数有误。"
    if ctx is None:  # click raised before the command's context: name the command as typed
        typed = f"farmcli {argv[0]}" if argv and not argv[0].startswith("-") else "farmcli"
        return f"错误：{what}\n用 {typed} --help 查看用法。"
    return f"{ctx.get_usage()}\n错误：{what}\n用 {ctx.command_path} --help 查看用法。"


def _what(exc, ctx) -> str:
    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    if kind == "MissingParameter" and param is not None:
        name = (param.name or "").upper() if param.param_type_name == "argument" else param.opts[0]
        about = f"（{param.help}）" if getattr(param, "help", None) else ""
        return f"缺少参数 {name}{about}。"
    if kind == "NoSuchOption":
        close = getattr(exc, "possibilities", None) or []
        guess = f"是不是要写 {'、'.join(close)}？" if close else ""
        return f"没有选项 {exc.option_name}。{guess}"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    typed = re.match(r"No such command '(.*?)'", message)
    if typed and ctx is not None:
        names = ctx.command.list_commands(ctx)
        close = difflib.get_close_matches(typed.group(1), names, n=3)
        guess = f"是不是要写 {'、'.join(close)}？" if close else f"可用的命令：{'、'.join(names)}。"
        return f"没有命令 {typed.group(1)}。{guess}"
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", message)
    if extra:
        return f"多出了参数（{extra.group(1)}）。"
    if kind == "BadParameter" or "Invalid value" in message:
        return f"参数的值不对：{message}"
    if kind == "BadOptionUsage" or "requires an argument" in message:
        return f"选项 {getattr(exc, 'option_name', '')} 后面要写一个值。"
    return f"命令行参数有误（{message}）。"
