#!/usr/bin/env python3
"""Set up and run policysearch with nothing but Python 3.11.

    python3 tasks.py run    # venv + install, index corpus/, serve http://127.0.0.1:5000
    python3 tasks.py test   # venv + install (with test and cluster extras, Chromium), run the tests

Both create `.venv/` beside this file on first use and reuse it afterwards.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CHROMIUM = Path("/usr/bin/chromium")


def sh(*cmd: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check).returncode


def ensure_venv(extras: str = "") -> None:
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", VENV)
        sh(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    target = f".{extras}" if not extras else f".[{extras}]"
    sh(BIN / "python", "-m", "pip", "install", "-q", "-e", target)


def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser tests when we can (root on Debian), with a
    Chinese font: without one every page renders as boxes and the screenshots are useless."""
    packages = [] if CHROMIUM.exists() else ["chromium", "chromium-driver"]
    if not _has_chinese_font():
        packages.append("fonts-wqy-microhei")
    if not packages or not shutil.which("apt-get"):
        return
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        print(f"note: not root, so not installing {' '.join(packages)}; "
              "browser tests skip without /usr/bin/chromium")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=False, env=env)


def _has_chinese_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


def run(args: list[str]) -> int:
    port = _port(args)
    if not _port_free(port):
        print(f"error: port {port} on 127.0.0.1 is in use (another server may be running); "
              f"choose another: python3 tasks.py run --port {port + 1}", file=sys.stderr)
        return 1
    ensure_venv()
    cli = BIN / "policysearch"
    sh(cli, "index", "corpus")
    return sh(cli, "serve", *args, check=False)


def _port(args: list[str]) -> int:
    """The --port given to `run` (passed on to `policysearch serve`), else the default."""
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--port=") else (
            args[i + 1] if arg == "--port" and i + 1 < len(args) else None)
        if value and value.isdigit():
            return int(value)
    return int(os.environ.get("POLICYSEARCH_PORT") or 5000)


def _port_free(port: int) -> bool:
    """Checked before indexing, so a busy port is said at once and not after the run."""
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server does
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test(args: list[str]) -> int:
    ensure_venv("test,cluster")   # CI runs the cluster tests (a real Dask cluster on loopback)
    ensure_chromium()
    return sh(BIN / "python", "-m", "pytest", *args, check=False)


def main() -> int:
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
