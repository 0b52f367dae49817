"""A local Label Studio server for the correction loop and its tests.

The server (Django and its many pins) lives in its own virtual environment, `.venv-ls/` at the
repository root by default, so it never constrains the project's own dependencies. `install`
creates it; `start` runs the server on 127.0.0.1 with its data (SQLite, uploads) in a folder of
our choosing, a known user and a legacy API token, and waits for `/health`; `stop` ends it by
process-group id.

    python -m nianbao.annotations.server install
    python -m nianbao.annotations.server start --data-dir ls-data --port 8080 --files-root .
    python -m nianbao.annotations.server stop --data-dir ls-data
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

LABEL_STUDIO_VERSION = "1.23.2"
REPO = Path(__file__).resolve().parents[1]
DEFAULT_VENV = Path(os.environ.get("NIANBAO_LS_VENV", REPO / ".venv-ls"))
DEFAULT_USER = "annotator@nianbao.local"
DEFAULT_PASSWORD = "nianbao-annotate"
DEFAULT_TOKEN = "nianbao-local-token-0123456789"


@dataclass
class Server:
    pid: int
    url: str
    token: str  # legacy API token of `username`
    username: str
    password: str
    data_dir: str
    log: str


def executable(venv: Path = DEFAULT_VENV) -> Path:
    return Path(venv) / "bin" / "label-studio"


def install(venv: Path = DEFAULT_VENV, quiet: bool = True) -> Path:
    """Create `venv` with label-studio in it (idempotent; about 70 s with a warm pip cache)."""
    venv = Path(venv)
    exe = executable(venv)
    stamp = venv / f".label-studio-{LABEL_STUDIO_VERSION}"
    if exe.exists() and stamp.exists():
        return exe
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    log = venv / "pip-install.log"
    with open(log, "w") as fh:
        r = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                            f"label-studio=={LABEL_STUDIO_VERSION}"], stdout=fh, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-20:]
        raise RuntimeError(f"pip install label-studio failed (log {log}):\n" + "\n".join(tail))
    stamp.touch()
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout) as r:
            return r.status == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


def server_env(data_dir: Path, files_root: Path | None, username: str, password: str, token: str) -> dict:
    env = dict(os.environ)
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        # Label Studio and its converter also write under XDG_DATA_HOME; keep that in data_dir too
        "XDG_DATA_HOME": str(data_dir / "xdg"),
        "LABEL_STUDIO_USERNAME": username,
        "LABEL_STUDIO_PASSWORD": password,
        "LABEL_STUDIO_USER_TOKEN": token,
        # read only on the first start (when the user is created)
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
        "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "",
        "DJANGO_DB": "sqlite",
    })
    if files_root is not None:
        env["LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED"] = "true"
        env["LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT"] = str(Path(files_root).resolve())
    return env


def start(data_dir: str | Path, port: int | None = None, files_root: str | Path | None = None,
          venv: Path = DEFAULT_VENV, username: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD,
          token: str = DEFAULT_TOKEN, timeout_s: float = 240.0) -> Server:
    """Start a server on 127.0.0.1 and wait until it answers /health; raise (after stopping
    it) if it does not within `timeout_s`."""
    if len(token) <= 5:
        raise ValueError("Label Studio wants a user token longer than 5 characters")
    exe = executable(venv)
    if not exe.exists():
        raise FileNotFoundError(f"no Label Studio at {exe}: run `python -m nianbao.annotations.server install`")
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    env = server_env(data_dir, Path(files_root) if files_root else None, username, password, token)
    with open(log, "ab") as fh:
        # its own session: stop() signals the whole group (label-studio spawns workers)
        proc = subprocess.Popen([str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1",
                                 "--port", str(port)], env=env, cwd=str(data_dir), stdout=fh,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(proc.pid, url, token, username, password, str(data_dir), str(log))
    (data_dir / "server.json").write_text(json.dumps(asdict(server)), encoding="utf-8")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"label-studio exited with status {proc.returncode}; log {log}:\n" + _tail(log))
        if healthy(url):
            return server
        time.sleep(1.0)
    stop(proc.pid)
    raise TimeoutError(f"label-studio did not answer {url}/health within {timeout_s:.0f} s; log {log}:\n" + _tail(log))


def _tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def stop(pid: int, grace_s: float = 15.0) -> None:
    """Stop the server started as `pid` (its process group): SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        end = time.monotonic() + wait
        while time.monotonic() < end:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
            except ChildProcessError:
                done = 0 if _alive(pid) else pid
            if done == pid:
                return
            time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m nianbao.annotations.server",
                                description="install, start or stop a local Label Studio server")
    sub = p.add_subparsers(dest="action", required=True)
    i = sub.add_parser("install", help=f"create {DEFAULT_VENV} with label-studio {LABEL_STUDIO_VERSION}")
    i.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    s = sub.add_parser("start", help="start a server on 127.0.0.1 and wait for /health")
    s.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    s.add_argument("--data-dir", type=Path, required=True, help="its database, uploads and log")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--files-root", type=Path, help="serve local files under this folder (page images)")
    s.add_argument("--username", default=DEFAULT_USER)
    s.add_argument("--password", default=DEFAULT_PASSWORD)
    s.add_argument("--token", default=DEFAULT_TOKEN, help="legacy API token of the user (> 5 characters)")
    t = sub.add_parser("stop", help="stop the server whose data dir this is")
    t.add_argument("--data-dir", type=Path, required=True)
    a = p.parse_args(argv)
    if a.action == "install":
        print(install(a.venv))
        return 0
    if a.action == "start":
        srv = start(a.data_dir, a.port, a.files_root, a.venv, a.username, a.password, a.token)
        print(f"Label Studio {srv.url} (pid {srv.pid}, log {srv.log})\n"
              f"export LABEL_STUDIO_URL={srv.url} LABEL_STUDIO_API_KEY={srv.token}")
        return 0
    info = json.loads((a.data_dir / "server.json").read_text(encoding="utf-8"))
    stop(int(info["pid"]))
    print(f"stopped pid {info['pid']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
