"""Running ``calsync`` as a separate process, with its output a pipe or a terminal (a pty)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass

#: Terminal control sequences (colours, cursor moves): the tests read the text.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS")}
    env["TERM"] = "xterm-256color"
    env.pop("TTY_COMPATIBLE", None)
    return env


def command(args: tuple[str, ...], prelude: str) -> list[str]:
    """``python -c`` running ``prelude`` (seeding the in-memory sandbox) and then calsync."""
    return [sys.executable, "-c", f"{prelude}\nfrom calsync.cli import main\nmain()", *args]


def calsync(*args: str, prelude: str = "", tty: bool = False, columns: int = 160) -> Done:
    """Run calsync; with ``tty`` its stdout (and stdin) is a terminal ``columns`` wide."""
    argv = command(args, prelude)
    if not tty:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=300, check=False, env=_environment()
        )
        return Done(done.returncode, done.stdout, done.stderr)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=_environment()
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert process.stderr is not None
    with process.stderr:
        err = process.stderr.read().decode()
    code = process.wait(timeout=300)
    out = b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")
    return Done(code, ANSI.sub("", out), err)
