"""nianbao: 政府信息公开工作年度报告 → verified structured data."""
__version__ = "0.1.0"

from pathlib import Path as _Path  # noqa: E402

from .checkout_stages import install as _install_stage_finder  # noqa: E402

_install_stage_finder(_Path(__file__).resolve().parent)  # `import nianbao.ocr` from a plain checkout

from .document import Document  # noqa: E402
from .pipeline import extract, extract_all, extract_text  # noqa: E402

__all__ = ["Document", "extract", "extract_all", "extract_text", "__version__"]
