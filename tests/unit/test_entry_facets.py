"""The facets of the entries page: every choice present, counted as a brute force counts."""

from __future__ import annotations

import dataclasses

from firpath.domain.completeness import MISSING_CHOICES, misses
from firpath.domain.entry_facets import entry_facets
from firpath.samples.catalogue import demo_catalogue


def test_each_choice_counts_the_entries_that_have_it() -> None:
    entries = demo_catalogue(400, seed=7).entries
    facets = entry_facets(entries)
    assert {c.value: c.count for c in facets.device_type} == {
        t: sum(e.device_type.value == t for e in entries)
        for t in {e.device_type.value for e in entries}
    }
    assert {c.value: c.count for c in facets.model} == {
        m: sum(f"{e.manufacturer_id}/{e.model_id}" == m for e in entries)
        for m in {f"{e.manufacturer_id}/{e.model_id}" for e in entries}
    }
    vendors = {e.zigbee_chipset_vendor for e in entries} - {None}
    assert {c.value: c.count for c in facets.chipset_vendor} == {
        v: sum(e.zigbee_chipset_vendor == v for e in entries) for v in vendors
    }
    assert {c.value: c.count for c in facets.missing} == {
        f: sum(misses(e, f) for e in entries) for f in MISSING_CHOICES
    }
    assert sum(c.count for c in facets.status) == len(entries)
    assert sum(c.count for c in facets.manufacturer) == len(entries)


def test_a_model_is_listed_under_its_manufacturer_by_its_most_used_name() -> None:
    entries = demo_catalogue(200, seed=3).entries
    first = entries[0]
    renamed = [dataclasses.replace(e, model_name="Odd One") for e in entries[:1]]
    facets = entry_facets([*renamed, *entries[1:]])
    key = f"{first.manufacturer_id}/{first.model_id}"
    choice = next(c for c in facets.model if c.value == key)
    assert choice.label == f"{first.model_name} ({key})"
    assert choice.group == f"{first.manufacturer_name} ({first.manufacturer_id})"


def test_nothing_listed_has_no_choices_but_the_fixed_ones() -> None:
    facets = entry_facets([])
    assert facets.device_type == facets.manufacturer == facets.model == ()
    assert [c.count for c in facets.status] == [0, 0]
    assert [c.count for c in facets.missing] == [0] * len(MISSING_CHOICES)
