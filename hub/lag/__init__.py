"""Consumer-group lag and status: offsets, lag in messages and seconds, Burrow's rules.

Pure logic (``burrow``, ``interpolation``, ``model``) is apart from the I/O (``reader``
reads offsets, ``monitor`` samples them). On Tansu, the embedded broker, List Offsets
answers the start of the last batch instead of the true end, so lag reads short by up to
one batch; the reader detects Tansu by its cluster id so that every view can say so.
"""

from hub.lag.burrow import Commit, CommitWindow, Status, evaluate_partition, group_status
from hub.lag.exceptions import LagError, LagReadError
from hub.lag.groups import hub_groups
from hub.lag.interpolation import OffsetHistory, Point
from hub.lag.model import GroupLag, PartitionLag, TrendPoint
from hub.lag.monitor import LagMonitor, MonitorSettings
from hub.lag.reader import GroupOffsets, OffsetReader, Snapshot

__all__ = [
    "Commit",
    "CommitWindow",
    "GroupLag",
    "GroupOffsets",
    "LagError",
    "LagMonitor",
    "LagReadError",
    "MonitorSettings",
    "OffsetHistory",
    "OffsetReader",
    "PartitionLag",
    "Point",
    "Snapshot",
    "Status",
    "TrendPoint",
    "evaluate_partition",
    "group_status",
    "hub_groups",
]
