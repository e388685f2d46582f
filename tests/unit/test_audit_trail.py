"""The audit hash chain and its replay, on rows built in memory."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from firpath.domain.audit_trail import (
    GENESIS,
    ChainLink,
    LoggedChange,
    link_hash,
    replay,
    utc_text,
    walk_chain,
)


def chain(contents: list[tuple[object, ...]]) -> list[ChainLink]:
    links, previous = [], GENESIS
    for seq, content in enumerate(contents, start=1):
        previous = link_hash(previous, "audit_log", seq, content)
        links.append(ChainLink("audit_log", seq, seq, previous, content))
    return links


ROWS = [(1, "alice", "create", None), (2, "bob", "update", "typo"), (3, "carol", "update", "x")]


def test_an_intact_chain_has_no_problems() -> None:
    check = walk_chain(chain(list(ROWS)))
    assert check.problems == [] and check.links == 3 and check.head_seq == 3


def test_an_edited_link_is_named() -> None:
    links = chain(list(ROWS))
    links[1] = dataclasses.replace(links[1], content=(2, "mallory", "update", "typo"))
    assert [(p.kind, p.row_id) for p in walk_chain(links).problems] == [("edited", "2")]


def test_a_deleted_link_leaves_a_gap_and_a_broken_successor() -> None:
    links = chain(list(ROWS))
    del links[1]
    kinds = [(p.kind, p.row_id) for p in walk_chain(links).problems]
    assert ("deleted", "3") in kinds and ("edited", "3") in kinds


def test_a_row_without_a_place_in_the_chain_is_unchained() -> None:
    links = [*chain(list(ROWS)), ChainLink("audit_log", 9, None, None, (9, "m", "update", None))]
    assert [(p.kind, p.row_id) for p in walk_chain(links).problems] == [("unchained", "9")]


def test_a_link_taking_a_used_position_is_forged() -> None:
    links = chain(list(ROWS))
    links.append(dataclasses.replace(links[2], row_id=4))
    assert ("forged", "4") in [(p.kind, p.row_id) for p in walk_chain(links).problems]


FIELDS = st.lists(st.one_of(st.none(), st.text(max_size=8), st.integers()), max_size=5)


@given(FIELDS, FIELDS)
def test_different_fields_never_frame_alike(first: list[object], second: list[object]) -> None:
    same = [(type(x), x) for x in first] == [(type(y), y) for y in second]
    assert (link_hash(GENESIS, "t", 1, first) == link_hash(GENESIS, "t", 1, second)) == same


def test_timestamps_hash_the_same_with_or_without_a_zone() -> None:
    aware = dt.datetime(2026, 11, 28, 16, 0, 0, 123456, tzinfo=dt.UTC)
    assert utc_text(aware) == utc_text(aware.replace(tzinfo=None)) == "2026-11-28T16:00:00.123456Z"


def change(
    audit_id: int, action: str, before: dict[str, str] | None, after: dict[str, str]
) -> LoggedChange:
    return LoggedChange(audit_id, "cpl_entry", "101", action, before, after)


def test_the_replay_matches_what_the_log_built() -> None:
    log = [
        change(1, "create", None, {"notes": "", "band": "A"}),
        change(2, "update", {"notes": ""}, {"notes": "x"}),
    ]
    assert replay(log, {("cpl_entry", "101"): {"notes": "x", "band": "A"}}) == []


def test_a_value_changed_outside_the_log_is_found() -> None:
    log = [change(1, "create", None, {"notes": "", "band": "A"})]
    found = replay(log, {("cpl_entry", "101"): {"notes": "", "band": "B"}})
    assert [(p.kind, p.row_id) for p in found] == [("changed_outside_log", "101")]
    assert "band" in found[0].message


def test_an_update_whose_before_disagrees_with_the_replay_is_found() -> None:
    log = [
        change(1, "create", None, {"notes": "a"}),
        change(2, "update", {"notes": "b"}, {"notes": "c"}),
    ]
    found = replay(log, {("cpl_entry", "101"): {"notes": "c"}})
    assert found and "audit record 2" in found[0].message


def test_entries_missing_from_either_side_are_found() -> None:
    found = replay(
        [change(1, "create", None, {"notes": ""})], {("cpl_entry", "102"): {"notes": ""}}
    )
    messages = sorted(p.message for p in found)
    assert any("no audit record creates it" in m for m in messages)
    assert any("deleted outside the log" in m for m in messages)
