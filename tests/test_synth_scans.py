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


def test_box_follows_a_photo_homography_and_a_quarter_turn():
    """Stamped and photographed pages: the token box goes through the page's 3 × 3 transform
    (perspective, tilt, quarter turn) into the scan image's frame, whose size differs from the page's."""
    from nianbao.training.synth import capture

    w, h = 1000, 1400
    hom, (fw, fh) = capture.perspective(w, h, random.Random(3), 9.0)
    q, (tw, th) = capture.quarter_turn(fw, fh, 1)
    total = q @ hom
    info = {"homography": total.tolist(), "px": [tw, th], "page_px": [w, h], "dpi": 200}
    box = [600, 300, 640, 320]
    out = tokens.transform_examples([_example(box)], [info])[0]
    cx, cy = (box[0] + box[2]) / 2 / 1000 * w, (box[1] + box[3]) / 2 / 1000 * h
    px, py = cv2.perspectiveTransform(np.array([[[cx, cy]]], dtype=np.float64), total)[0, 0]
    b = out["bboxes"][0]
    assert (b[0] + b[2]) / 2 == pytest.approx(px / tw * 1000, abs=2.0)
    assert (b[1] + b[3]) / 2 == pytest.approx(py / th * 1000, abs=2.0)
    assert out["width"] == pytest.approx(tw / 200 * 72, abs=0.01) and out["height"] == pytest.approx(th / 200 * 72, abs=0.01)
    # the quarter turn is np.rot90's: the same pixel, read back from the turned array
    img = np.zeros((fh, fw), np.uint8)
    img[100, 250] = 255
    turned = np.rot90(img, 1)
    y, x = np.argwhere(turned == 255)[0]
    assert np.allclose((q @ [250, 100, 1])[:2], [x, y])


def test_stamped_and_photographed_scans_carry_their_transform(tmp_path):
    from nianbao.eval.ocr_pages import report_pdf

    pytest.importorskip("reportlab")
    path = tmp_path / "r.pdf"
    report_pdf(path, seed=3, prose=False, tables=("active",))
    for deg in scans.CAPTURED:
        data, info = scans.scan(str(path), deg, random.Random(7), anchors=[[(500.0, 300.0)]])
        assert data.startswith(b"%PDF") and len(info) == 1
        i = info[0]
        hom = np.asarray(i["homography"])
        w, h = i["page_px"]
        corners = cv2.perspectiveTransform(np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float64), hom)[0]
        assert (corners >= -1).all() and (corners[:, 0] <= i["px"][0] + 1).all() and (corners[:, 1] <= i["px"][1] + 1).all()
        assert i["turn"] in (0, 90, 180, 270) and abs(i["tilt"]) <= 16
