"""Audit speed: replay and verify of an audit trail the router wrote, in records/s.

Replay reads and decodes every decision the way ``hub audit replay`` does; verify runs
the whole of ``hub audit verify``: the chain check and the re-derivation of every
decision from its source event and the person's history.
"""

from __future__ import annotations

import time

from hub.audit.reader import TopicReader
from hub.audit.rederive import Rederiver
from hub.audit.replay import readable
from hub.audit.verify import verify_audit
from hub.bench.environment import BenchEnv
from hub.bench.exceptions import BenchError
from hub.codec import AvroCodec, SchemaStore
from hub.policy import AgreementsLibrary, Crosswalk
from hub.router import AUDIT_TOPIC
from hub.settings import HubSettings

__all__ = ["replay_rate", "verify_rate"]


async def replay_rate(env: BenchEnv, codec: AvroCodec) -> float:
    """Return records/s of a replay of the whole audit topic."""
    began = time.monotonic()
    count = 0
    async for record in TopicReader(env.options).read([AUDIT_TOPIC]):
        readable(codec, record)
        count += 1
    return count / (time.monotonic() - began)


async def verify_rate(env: BenchEnv, hub: HubSettings, store: SchemaStore) -> float:
    """Return decisions/s of a full verification; a finding fails the benchmark."""
    rederiver = Rederiver(
        codec=AvroCodec(store),
        store=store,
        catalog=env.catalog,
        library=AgreementsLibrary.from_directory(hub.topics_dir),
        crosswalk=Crosswalk.from_directory(hub.topics_dir),
    )
    report = await verify_audit(TopicReader(env.options), rederiver)
    if report.chain or report.findings:
        raise BenchError(
            f"verification found {len(report.chain)} chain breaks and "
            f"{len(report.findings)} findings in the router's trail"
        )
    return sum(report.records.values()) / report.seconds
