"""An iterator run one item ahead of its consumer in a background thread.

Reading a scanned page is the OCR engine's work (both cores) and, before it, single-threaded
work that needs no engine: rendering, stamp removal, flattening, the skew search, the
sideways test. Done for the next page while this page is read, that work fills the core the
engine leaves idle between and inside its calls (OpenCV, numpy, pdfium and OpenVINO release
the GIL while they compute).
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


def ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Yield what `items` yields, produced in a thread at most `depth` items ahead. An exception
    in the producer is raised here, at the item it would have been. When the consumer stops
    early (close(), or an exception while this generator is suspended) the producer stops and
    its thread has ended before close() returns, so whatever it was using can be closed next."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                q.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, raised there
            put((_END, e))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="nianbao-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = q.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        worker.join()
