"""A worker's warm registry: reloaded once per change and never otherwise, credentials cached
until an account changes, and a revision that always names exactly the registry it was read
with, even while writers commit side by side (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from firpath.domain.catalogue import Catalogue
from firpath.services.accounts import create_token, disable_user, revoke_tokens
from firpath.services.corrections import correct_entry
from firpath.services.registry import list_entries
from firpath.services.warm_registry import WarmRegistry
from firpath.store.engine import open_engine
from firpath.store.entries import EntryFilter
from tests.api_harness import DemoRegistry

ENTRY = "10039"


def correct_notes(engine: Engine, entry_id: str, notes: str) -> None:
    correct_entry(engine, entry_id, [("notes", notes)], reason="test", actor="secas@test")


def test_no_reload_while_nothing_changes(demo: DemoRegistry) -> None:
    warm = WarmRegistry(demo.engine)
    first = warm.catalogue()
    for _ in range(5):
        assert warm.catalogue(warm.state()) is first
    create_token(demo.engine, demo.emails["reader"])  # accounts change, the registry does not
    assert warm.catalogue(warm.state()) is first
    assert warm.reloads == 1


def test_one_reload_after_a_correction_and_it_shows_the_correction(demo: DemoRegistry) -> None:
    warm = WarmRegistry(demo.engine)
    before = warm.catalogue()
    correct_notes(demo.engine, ENTRY, "re-checked")
    state = warm.state()
    assert state.registry > before.revision
    after = warm.catalogue(state)
    assert after.revision == state.registry
    found = after.entry(ENTRY)
    assert found is not None and found.notes == "re-checked"
    for _ in range(3):
        assert warm.catalogue(warm.state()) is after
    assert warm.reloads == 2


def test_a_correction_that_changes_nothing_reloads_nothing(demo: DemoRegistry) -> None:
    warm = WarmRegistry(demo.engine)
    first = warm.catalogue()
    same = first.entry(ENTRY)
    assert same is not None
    correct_notes(demo.engine, ENTRY, same.notes or "")
    assert warm.catalogue(warm.state()) is first
    assert warm.reloads == 1


def test_each_worker_reloads_on_its_own_after_a_change_elsewhere(demo: DemoRegistry) -> None:
    one, two = WarmRegistry(demo.engine), WarmRegistry(open_engine(demo.url))
    try:
        assert one.catalogue().revision == two.catalogue().revision
        correct_notes(two.engine, ENTRY, "changed through worker two")
        seen = one.catalogue(one.state()).entry(ENTRY)
        assert seen is not None and seen.notes == "changed through worker two"
        assert (one.reloads, two.reloads) == (2, 1)
    finally:
        two.engine.dispose()


def test_a_catalogue_asked_for_at_an_older_state_is_labelled_with_what_it_holds(
    demo: DemoRegistry,
) -> None:
    warm = WarmRegistry(demo.engine)
    older = warm.state()
    correct_notes(demo.engine, ENTRY, "committed after the state was read")
    catalogue = warm.catalogue(older)
    found = catalogue.entry(ENTRY)
    assert found is not None and found.notes == "committed after the state was read"
    assert catalogue.revision == older.registry + 1
    assert warm.catalogue(warm.state()) is catalogue


def test_rendered_answers_are_kept_for_the_current_catalogue_only(demo: DemoRegistry) -> None:
    warm = WarmRegistry(demo.engine)
    older = warm.catalogue()
    warm.answers(older)["question"] = b"answer at the older revision"
    assert warm.answers(older) == {"question": b"answer at the older revision"}
    correct_notes(demo.engine, ENTRY, "a change")
    newer = warm.catalogue(warm.state())
    assert warm.answers(newer) == {}
    warm.answers(older)["question"] = b"computed late from the older catalogue"
    assert warm.answers(newer) == {}


def test_a_credential_is_looked_up_once_until_an_account_changes(demo: DemoRegistry) -> None:
    warm = WarmRegistry(demo.engine)
    token = demo.tokens["reader"]
    for _ in range(3):
        found = warm.credential(token, warm.state())
        assert found is not None and found.account.email == demo.emails["reader"]
    assert warm.credential_lookups == 1
    revoke_tokens(demo.engine, demo.emails["reader"])
    assert warm.credential(token, warm.state()) is None
    assert warm.credential_lookups == 2


def test_disabling_an_account_ends_its_cached_credentials(demo: DemoRegistry) -> None:
    one, two = WarmRegistry(demo.engine), WarmRegistry(open_engine(demo.url))
    try:
        token = demo.tokens["supplier"]
        assert one.credential(token, one.state()) is not None
        assert two.credential(token, two.state()) is not None
        disable_user(demo.engine, demo.emails["supplier"])
        assert one.credential(token, one.state()) is None
        assert two.credential(token, two.state()) is None
    finally:
        two.engine.dispose()


def test_every_revision_seen_names_exactly_the_changes_committed_up_to_it(
    demo: DemoRegistry,
) -> None:
    # Writers commit side by side while a reader keeps reloading: had a later batch become
    # visible before an earlier one, or the revision been read apart from the entries, some
    # catalogue would hold a number of marked entries other than its revision says.
    warm = WarmRegistry(demo.engine)
    base = warm.catalogue().revision
    targets = [e.cpl_entry_id for e in list_entries(demo.engine, EntryFilter(), limit=12)]
    done = threading.Event()
    seen: list[tuple[int, int]] = []

    def marked(catalogue: Catalogue) -> int:
        return sum(1 for t in targets if (e := catalogue.entry(t)) and e.notes == "mark")

    def read_until_done() -> None:
        while not done.is_set():
            catalogue = warm.catalogue(warm.state())
            seen.append((catalogue.revision, marked(catalogue)))

    reader = threading.Thread(target=read_until_done)
    reader.start()
    try:
        with ThreadPoolExecutor(4) as writers:
            list(writers.map(lambda t: correct_notes(demo.engine, t, "mark"), targets))
    finally:
        done.set()
        reader.join()
    final = warm.catalogue(warm.state())
    seen.append((final.revision, marked(final)))
    assert len(targets) == 12
    assert seen[-1] == (base + len(targets), len(targets))
    for revision, count in seen:
        assert count == revision - base, (revision, count)
    revisions = [revision for revision, _ in seen]
    assert revisions == sorted(revisions)
    assert warm.reloads > 1
