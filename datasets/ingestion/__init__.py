"""Ingestion of readings: one service, several sources.

Use ``ingest(source, *, actor=None)`` with a ``SimulatorSource``,
``UpstreamSource`` or ``FileSource``.
"""

from .service import (
    REJECTION_REASONS,
    Malformed,
    UpstreamUnavailable,
    ingest,
    insert_readings,
    recover_interrupted_runs,
)
from .sources import FileSource, SimulatorSource, UpstreamSource, last_cursor

__all__ = [
    "REJECTION_REASONS",
    "FileSource",
    "Malformed",
    "SimulatorSource",
    "UpstreamSource",
    "UpstreamUnavailable",
    "ingest",
    "insert_readings",
    "last_cursor",
    "recover_interrupted_runs",
]
