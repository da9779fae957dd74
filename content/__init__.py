"""The practice library, the default scorecard and the message templates, as data files."""

from pathlib import Path

CONTENT_DIR = Path(__file__).parent
