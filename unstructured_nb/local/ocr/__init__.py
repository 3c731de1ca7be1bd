"""OCR for the local engine: text lines from page images (engine) and elements from lines (layout)."""
