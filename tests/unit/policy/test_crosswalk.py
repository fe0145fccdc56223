"""The shipped occupation crosswalk: complete enough, well-formed, and used as promised."""

from __future__ import annotations

import csv
import re

from hub import paths
from hub.policy import Crosswalk


def _rows() -> list[dict[str, str]]:
    with (paths.topics_dir() / "occupations.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_crosswalk_covers_a_hundred_occupations_with_valid_codes() -> None:
    """At least 100 occupations; ROME codes letter+4 digits, ISCO-08 four digits, unique."""
    rows = _rows()
    assert len(rows) >= 100
    assert len({r["rome_v3"] for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"[A-N]\d{4}", row["rome_v3"]), row
        assert re.fullmatch(r"[A-N]\d{4}", row["rome_v4"]), row
        assert re.fullmatch(r"\d{4}", row["isco08"]), row
        assert row["label_fr"] and row["label_nl"] and row["label_de"] and row["label_en"]
        assert set(filter(None, row["bottleneck_zones"].split(";"))) <= {"WEST", "CENTRE", "EAST"}


def test_zone_bottleneck_occupations_are_listed() -> None:
    """West: production operators; Centre: cleaners, sales representatives, shop assistants."""
    crosswalk = Crosswalk.from_directory(paths.topics_dir())
    for code in ("N1101", "H2913", "H3302", "I1310"):
        assert crosswalk.in_zone("WEST", [{"scheme": "ROME_V3", "code": code}]), code
    for code in ("K2204", "D1402", "D1106", "D1505"):
        assert crosswalk.in_zone("CENTRE", [{"scheme": "ROME_V3", "code": code}]), code
    assert not crosswalk.zone_has_list("EAST")


def test_destination_schemes_are_added_for_every_listed_code() -> None:
    """Any listed ROME code gains its ISCO-08 and ROME v4 codes; nothing is invented."""
    crosswalk = Crosswalk.from_directory(paths.topics_dir())
    for row in _rows():
        occupations, added = crosswalk.add_scheme(
            [{"scheme": "ROME_V3", "code": row["rome_v3"], "label": None, "unmapped": False}],
            "ISCO_08",
            "en",
        )
        assert added == (f"ISCO_08:{row['isco08']}",)
        assert occupations[1]["label"] == row["label_en"]
