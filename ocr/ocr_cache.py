"""A disk cache of the OCR engine's answers, for measurements that read the same scans more than once.

`nianbao eval --variant rules --variant model --variant extract` runs the pipeline three times
over the same inputs; on a scan ~80 % of a page's seconds are the engine's calls, and every
variant makes the same calls on the same pixels (rendering, cleaning and cropping are
deterministic). With NIANBAO_OCR_CACHE=DIR the engine's answers are kept in DIR, keyed by the
image's bytes, so the second and third variant pay for everything but the OCR — and read
exactly what the first read, so their differences are the stages', not the engine's.
Off unless the variable is set; `nianbao extract` never sets it.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import numpy as np

ENV = "NIANBAO_OCR_CACHE"


def _key(kind: str, name: str, image: np.ndarray) -> str:
    h = hashlib.sha1(f"{kind}|{name}|{image.shape}|{image.dtype}".encode())
    h.update(np.ascontiguousarray(image).data)
    return h.hexdigest()


class CachedEngine:
    """The engine's `recognize` and `read_crops` answered from DIR when these pixels were read
    before; anything else is the engine's own."""

    def __init__(self, engine, folder: str | Path):
        self._engine = engine
        self._dir = Path(folder)
        self._dir.mkdir(parents=True, exist_ok=True)

    def __getattr__(self, attr):
        return getattr(self._engine, attr)

    def _path(self, key: str) -> Path:
        return self._dir / key[:2] / f"{key}.pkl"

    def _get(self, key: str):
        try:
            return pickle.loads(self._path(key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            return None

    def _put(self, key: str, value) -> None:
        p = self._path(key)
        p.parent.mkdir(exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value))
        os.replace(tmp, p)  # a reader in another process sees the whole answer or none

    def recognize(self, image: np.ndarray):
        key = _key("page", getattr(self._engine, "name", ""), image)
        got = self._get(key)
        if got is None:
            got = self._engine.recognize(image)
            self._put(key, got)
        return got

    def read_crop(self, image: np.ndarray):
        return self.read_crops([image])[0]

    def read_crops(self, images: list):
        name = getattr(self._engine, "name", "")
        keys = [_key("crop", name, im) for im in images]
        out = [self._get(k) for k in keys]
        todo = [i for i, got in enumerate(out) if got is None]
        if todo:
            batched = getattr(self._engine, "read_crops", None)
            fresh = (batched([images[i] for i in todo]) if batched
                     else [self._engine.read_crop(images[i]) for i in todo])
            for i, got in zip(todo, fresh):
                out[i] = got
                self._put(keys[i], got)
        return out


def cached(engine):
    """The engine behind the cache when NIANBAO_OCR_CACHE names a folder, else the engine."""
    folder = os.environ.get(ENV)
    return CachedEngine(engine, folder) if folder else engine
