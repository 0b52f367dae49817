"""Page sources: PDF text layers, page images and OCR, all into the same Document."""
from .pdf import load_pdf, load_image

__all__ = ["load_pdf", "load_image"]
