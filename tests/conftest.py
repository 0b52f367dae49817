import pytest


@pytest.fixture(scope="session")
def report_2021():
    from nianbao.eval.ocr_pages import report_pdf
    return report_pdf(seed=11)
