"""The benchmark suite behind ``hub bench``: router throughput against an aiokafka loop and a
quixstreams application on the same broker, latency per hop and end to end, audit replay
and verify speed, and the router's memory with every subject's consent state."""

from hub.bench.suite import SECTIONS, BenchOptions, Figure, run_suite

__all__ = ["SECTIONS", "BenchOptions", "Figure", "run_suite"]
