"""Connecting to Label Studio and finding projects, with one-line errors for what users get
wrong: the URL, the token, the project name.

Both kinds of API key work: a legacy token (sent as `Token …`) and a personal access token
(a JWT refresh token, exchanged for short-lived access tokens); label-studio-sdk tells them
apart by their form.
"""
from __future__ import annotations

import os

import httpx

ENV_URL = "LABEL_STUDIO_URL"
ENV_KEY = "LABEL_STUDIO_API_KEY"


class AnnotateError(Exception):
    """A problem the user can fix; its message is the one line we print."""


def settings(url: str | None, api_key: str | None) -> tuple[str, str]:
    url = url or os.environ.get(ENV_URL)
    api_key = api_key or os.environ.get(ENV_KEY)
    if not url:
        raise AnnotateError(f"no Label Studio URL: pass --url or set {ENV_URL} (e.g. http://127.0.0.1:8080)")
    if not api_key:
        raise AnnotateError(f"no Label Studio API key: pass --api-key or set {ENV_KEY} "
                            "(a legacy token or a personal access token from Account & Settings)")
    if not url.startswith(("http://", "https://")):
        raise AnnotateError(f"Label Studio URL {url!r} must start with http:// or https://")
    return url.rstrip("/"), api_key.strip()


def connect(url: str | None = None, api_key: str | None = None, timeout: float = 60.0):
    """A checked client: the server answers and accepts the key, or AnnotateError says which not."""
    from label_studio_sdk import LabelStudio
    from label_studio_sdk.core.api_error import ApiError

    url, api_key = settings(url, api_key)
    try:
        client = LabelStudio(base_url=url, api_key=api_key, timeout=timeout)
    except ApiError as e:  # a JWT that has expired or has no expiry is refused before any request
        raise AnnotateError(f"bad Label Studio API key: {_detail(e)}") from None
    try:
        client.users.whoami()
    except ApiError as e:
        if e.status_code in (401, 403):
            raise AnnotateError(f"Label Studio at {url} refused the API key ({e.status_code}: {_detail(e)}); "
                                "use a legacy token or a personal access token of a user there") from None
        if e.status_code == 404:
            raise AnnotateError(f"{url} does not look like Label Studio (404 for /api/current-user/whoami)") from None
        raise AnnotateError(f"Label Studio at {url} answered {e.status_code}: {_detail(e)}") from None
    except httpx.HTTPError as e:
        raise AnnotateError(f"cannot reach Label Studio at {url}: {type(e).__name__}: {e}") from None
    except ValueError as e:  # an HTML page where JSON was expected: not Label Studio's API
        raise AnnotateError(f"{url} does not look like Label Studio: {e}") from None
    return client


def _detail(e) -> str:
    body = getattr(e, "body", None)
    if isinstance(body, dict):
        return str(body.get("detail") or body)
    return str(body or e)[:200]


def describe(e) -> str:
    """An ApiError in one line: status, detail and the fields it names."""
    body = getattr(e, "body", None)
    text = f"{getattr(e, 'status_code', '?')}: {_detail(e)}"
    if isinstance(body, dict) and body.get("validation_errors"):
        text += " " + "; ".join(f"{k}: {' '.join(map(str, v if isinstance(v, list) else [v]))}"
                                for k, v in body["validation_errors"].items())
    return text.replace("\n", " ")


def find_project(client, title: str):
    """The project of that exact title, or None."""
    for p in client.projects.list(title=title):
        if p.title == title:
            return p
    return None


def require_project(client, title: str):
    p = find_project(client, title)
    if p is None:
        names = [p.title for p in client.projects.list()]
        known = ", ".join(repr(n) for n in names[:10]) or "none"
        raise AnnotateError(f"no Label Studio project titled {title!r} (projects there: {known})")
    return p
