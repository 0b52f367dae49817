"""Shared fixtures of the OCR tests (imported by them; not a conftest, so it merges cleanly)."""
import pytest


@pytest.fixture(scope="session")
def report_2021():
    from nianbao.eval.ocr_pages import report_pdf
    return report_pdf(seed=11)
