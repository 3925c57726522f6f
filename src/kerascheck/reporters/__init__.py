"""Output formats: one module per format, each with ``render(reports, options) -> str``."""
