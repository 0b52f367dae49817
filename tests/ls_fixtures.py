"""A real Label Studio server for the annotation tests: installed into .venv-ls by
nianbao.annotations.server when missing, started on a free port of 127.0.0.1 with its data in
a temp folder, stopped by process-group id at the end of the session (also after failures)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    from nianbao.annotations import server

    t0 = time.monotonic()
    server.install()
    installed = time.monotonic()
    base = tmp_path_factory.mktemp("label-studio")
    files = base / "files"
    files.mkdir()
    srv = server.start(base / "data", files_root=files)
    started = time.monotonic()
    print(f"\nlabel-studio: install/check {installed - t0:.0f} s, start {started - installed:.0f} s "
          f"({srv.url}, pid {srv.pid})", file=sys.stderr)
    try:
        yield {"server": srv, "files_root": files, "url": srv.url, "token": srv.token}
    finally:
        server.stop(srv.pid)
