"""EURES: HR-Open 3.2 PositionOpening documents, and the Input API EURES polls."""

from connectors.eures.mapping import CONTENT_FORMAT_VERSION, EuresMapping, reference_of
from connectors.eures.reader import read_position_opening
from connectors.eures.writer import write_position_opening

MAPPING = EuresMapping()

__all__ = [
    "CONTENT_FORMAT_VERSION",
    "MAPPING",
    "EuresMapping",
    "read_position_opening",
    "reference_of",
    "write_position_opening",
]
