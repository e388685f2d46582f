"""The demo's sample OTA files say what they promise when checked against the demo CPL (in
memory): two matches, a mismatch, a no_match, a removed entry's image; and the next step."""

from __future__ import annotations

import io
import re

from firpath.domain.catalogue import Catalogue
from firpath.domain.image_match import MatchStatus
from firpath.samples.catalogue import demo_catalogue
from firpath.samples.ota_files import demo_images, demo_manufacturer_image
from firpath.services.image_check import check_image_in

DEMO = demo_catalogue()
CPL = Catalogue({e.cpl_entry_id: e for e in DEMO.entries}, {}, 1)


def test_every_demo_entry_has_a_manufacturer_image_with_its_hash() -> None:
    assert all(demo_manufacturer_image(e) is not None for e in DEMO.entries)


def test_each_sample_image_gets_the_answer_its_description_gives() -> None:
    samples = demo_images(DEMO.entries)
    assert len(samples) == 5
    for sample in samples:
        check = check_image_in(CPL, io.BytesIO(sample.content), sample.name)
        expected = sample.about.split(":")[0].split(" ")[0]
        assert check.match.status is MatchStatus(expected), sample.name
        assert bool(check.warnings) == ("removed" in sample.name), sample.name


def test_the_match_samples_next_step_hints_are_right() -> None:
    sample = demo_images(DEMO.entries)[0]
    next_from, not_yet_from = re.findall(r"--from (\w+)", sample.about)
    yes = check_image_in(CPL, io.BytesIO(sample.content), sample.name, next_from)
    no = check_image_in(CPL, io.BytesIO(sample.content), sample.name, not_yet_from)
    assert yes.safe_to_send and yes.next_step is not None and yes.next_step.is_next_step
    assert not no.safe_to_send and no.next_step is not None and no.next_step.next_entry
