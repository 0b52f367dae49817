"""Synthetic 政府信息公开工作年度报告: content, narrative, PDFs, scans, text dumps and token gold."""
