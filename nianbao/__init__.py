"""nianbao: 政府信息公开工作年度报告 → verified structured data."""
__version__ = "0.1.0"

from .document import Document  # noqa: E402
from .pipeline import extract, extract_all, extract_text  # noqa: E402

__all__ = ["Document", "extract", "extract_all", "extract_text", "__version__"]
