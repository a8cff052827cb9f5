"""Loaded by the farmcli processes the Windows tests start (PYTHONPATH=tests/shims):
FARMCLI_TEST_NO_FCNTL=1      — `import fcntl` fails, as on Windows;
FARMCLI_TEST_REFUSE=name     — replacing or moving aside the output `name` is refused, as Windows
                               refuses a file open in Excel/WPS;
FARMCLI_TEST_KILL_AT=n       — the process kills itself (SIGKILL) at its n-th output rename."""

import os
import sys

if os.environ.get("FARMCLI_TEST_NO_FCNTL"):
    sys.modules["fcntl"] = None  # import fcntl → ImportError

_refuse = os.environ.get("FARMCLI_TEST_REFUSE")
_kill_at = int(os.environ.get("FARMCLI_TEST_KILL_AT") or 0)
if _refuse or _kill_at:
    _real_replace, _calls = os.replace, [0]

    def _replace(src, dst, *args, **kwargs):
        names = (os.path.basename(os.fspath(src)), os.path.basename(os.fspath(dst)))
        if any(".farmcli-" in n for n in names):  # an output being moved, not a lock file
            _calls[0] += 1
            if _kill_at and _calls[0] == _kill_at:
                import signal

                os.kill(os.getpid(), signal.SIGKILL)
            if _refuse and _refuse in names:
                raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return _real_replace(src, dst, *args, **kwargs)

    os.replace = _replace
