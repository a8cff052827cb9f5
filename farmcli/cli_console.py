"""The command line's streams (part of `farmcli/cli.py`, the one layer that prints): GBK and
ASCII consoles, UTF-8 JSON, closed pipes and full disks, and honest last words."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

EXIT_OK = 0

# What has happened so far, for honest last words: the outputs once written, and the exit code
# the command settles on if printing fails afterwards.
state: dict = {"outputs": None, "code": EXIT_OK}


class PrintFailed(Exception):
    """Printing failed after the work was done; `cause` is None for a reader that went away."""

    def __init__(self, cause: BaseException | None):
        super().__init__(str(cause))
        self.cause = cause


@contextmanager
def printing(code: int):
    """Print the results: a closed pipe (`| head`) is not an error, a full disk is said as such,
    and neither changes the exit code the command has earned."""
    state["code"] = code
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError as exc:
        raise PrintFailed(None) from exc
    except (OSError, UnicodeError) as exc:
        raise PrintFailed(exc) from exc


def emit_json(text: str) -> None:
    """--json is UTF-8 on stdout whatever the console's code page."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text + "\n")
        return
    buffer.write(text.encode("utf-8") + b"\n")
    buffer.flush()


def console_proof() -> None:
    """A GBK or ASCII console shows `?` for what it cannot show, instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):
            pass


def silence_stdout() -> None:
    """After a closed pipe or a full disk, let the interpreter's last flush go nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def say(text: str) -> None:
    """A message to the clerk on stderr that never raises (stderr may be gone too)."""
    try:
        stderr_console().print(text, markup=False)
    except Exception:  # noqa: BLE001 — nowhere left to say it
        pass


def console(stderr: bool):
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1; a reader that went away is not an error
            self.quiet = True
            raise BrokenPipeError(32, "Broken pipe")

    return _Console(stderr=stderr, highlight=False, soft_wrap=True)


def stderr_console():
    return console(stderr=True)


def stdout_console():
    return console(stderr=False)


def written() -> str:
    """What the clerk has on disk: never "nothing" once the outputs are in place."""
    outputs = state["outputs"]
    if outputs is None:
        return "未写出任何文件。"
    return f"结算结果已完整写入 {outputs['workbook']} 等文件。"


def usage_error(exc) -> None:
    """click's usage errors in Chinese, with the fix where a slip is recognised."""
    from farmcli.cli_args import extra_arguments_message
    from farmcli.cli_words import usage_message

    if type(exc).__name__ == "NoArgsIsHelpError" and getattr(exc, "ctx", None) is not None:
        say(exc.ctx.get_help())  # `farmcli` alone: the help page, in Chinese
        return
    hint = extra_arguments_message(sys.argv[1:]) if "unexpected extra argument" in str(exc) else None
    say(f"错误：{hint}" if hint else usage_message(exc, sys.argv[1:]))
