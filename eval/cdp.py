"""A small Chrome DevTools Protocol client for headless Chromium, over --remote-debugging-pipe.

The annotation benchmark and its tests drive the real Label Studio page as a person would
(click a box, type, press keys, take screenshots). Chromium's pipe transport needs nothing but
the standard library: requests and replies are JSON messages separated by NUL bytes on file
descriptors 3 (to the browser) and 4 (from it); no websocket, no Playwright, no Selenium.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


class CDPError(RuntimeError):
    pass


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Browser:
    """One headless Chromium with one page target. Use as a context manager."""

    def __init__(self, width: int = 1600, height: int = 1000, exe: str | None = None):
        exe = exe or chromium_path()
        if not exe:
            raise CDPError("no chromium on PATH (Debian package 'chromium')")
        self.profile = tempfile.mkdtemp(prefix="nianbao-cdp-")
        to_r, self._to_w = os.pipe()      # our writes → browser fd 3
        self._from_r, from_w = os.pipe()  # browser fd 4 → our reads
        # the child sees the pipes as fds 3 and 4
        def remap():  # via fresh fds, in case a pipe end already sits on 3 or 4
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "--lang=zh-CN", "about:blank"],
            pass_fds=(3, 4, to_r, from_w), preexec_fn=remap, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        self.session = None
        self.width, self.height = width, height
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    # -- transport -----------------------------------------------------------------------
    def _send(self, msg: dict) -> None:
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._to_w, data)
            data = data[n:]

    def _read(self, timeout: float) -> dict:
        import select
        end = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = end - time.monotonic()
            if left <= 0:
                raise CDPError("no answer from chromium")
            r, _, _ = select.select([self._from_r], [], [], left)
            if r:
                chunk = os.read(self._from_r, 1 << 20)
                if not chunk:
                    raise CDPError("chromium closed the pipe")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None, timeout: float = 60.0) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        self._send(msg)
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    # -- page ----------------------------------------------------------------------------
    def goto(self, url: str, timeout: float = 60.0) -> None:
        self.call("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete'", timeout)

    def js(self, expr: str, timeout: float = 60.0):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True},
                      timeout=timeout)
        if r.get("exceptionDetails"):
            raise CDPError(f"page script failed: {r['exceptionDetails'].get('exception', {}).get('description') or r['exceptionDetails'].get('text')}")
        return r.get("result", {}).get("value")

    def wait(self, expr: str, timeout: float = 60.0, poll: float = 0.2):
        end = time.monotonic() + timeout
        while True:
            try:
                v = self.js(expr)
            except CDPError:
                v = None
            if v:
                return v
            if time.monotonic() > end:
                raise CDPError(f"timed out waiting for: {expr}")
            time.sleep(poll)

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def key(self, key: str, code: str | None = None, key_code: int = 0, modifiers: int = 0, text: str | None = None) -> None:
        """One key press. modifiers: 1 Alt, 2 Ctrl, 4 Meta, 8 Shift."""
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": code or key,
                "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code, "modifiers": modifiers}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", down)
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code or key,
                                             "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code,
                                             "modifiers": modifiers})

    def type_text(self, text: str) -> None:
        self.call("Input.insertText", {"text": text})

    def screenshot(self, path: str | Path, clip: dict | None = None) -> Path:
        params = {"format": "png"}
        if clip:
            params["clip"] = {**clip, "scale": 1}
        data = self.call("Page.captureScreenshot", params)["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self._send({"id": self._id + 1, "method": "Browser.close", "params": {}})
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            for fd in (self._to_w, self._from_r):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
