"""Scan token boxes follow the page's skew."""
import random

import cv2
import numpy as np
import pytest

from nianbao.training.synth import scans, tokens


def _example(box):
    return {"doc_id": "d", "page": 1, "width": 595.0, "height": 842.0, "kind": "digital_pdf",
            "tokens": ["1"], "bboxes": [box], "roles": ["VAL:x"]}


def test_identity_affine_keeps_boxes():
    info = [{"affine": [[1, 0, 0], [0, 1, 0]], "px": [1000, 1400]}]
    out = tokens.transform_examples([_example([100, 200, 120, 215])], info)
    assert out[0]["bboxes"] == [[100, 200, 120, 215]] and out[0]["kind"] == "scanned_pdf"


def test_box_follows_cv2_rotation():
    w, h = 1000, 1400
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0)
    box = [950, 100, 970, 115]
    out = tokens.transform_examples([_example(box)], [{"affine": m.tolist(), "px": [w, h]}])[0]["bboxes"][0]
    # where cv2 sends the box centre, in the 0-1000 frame
    cx, cy = (box[0] + box[2]) / 2 / 1000 * w, (box[1] + box[3]) / 2 / 1000 * h
    px, py = cv2.transform(np.array([[[cx, cy]]], dtype=np.float64), m)[0, 0]
    assert (out[0] + out[2]) / 2 == pytest.approx(px / w * 1000, abs=1.0)
    assert (out[1] + out[3]) / 2 == pytest.approx(py / h * 1000, abs=1.0)
    assert abs((out[1] + out[3]) / 2 - (box[1] + box[3]) / 2) > 5   # it really moved


def test_unknown_degradation_is_refused():
    with pytest.raises(ValueError, match="unknown degradation"):
        scans._params("coffee_stain", random.Random(0))
