"""Submissions over the API on the demo registry (SQLite and PostgreSQL): a manufacturer
proposes, SECAS approves onto the CPL (every rule checked then) or rejects with a reason."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from firpath.domain.record import entry_from_record
from firpath.services.import_cpl import import_entries
from firpath.services.unit_of_work import read_transaction
from firpath.store.tables import change_batches, cpl_entries
from tests.api_harness import DemoRegistry
from tests.integration.submission_data import (
    other_maker_model,
    own_model,
    proposal,
    twin_model,
)

URL = "/api/v1/submissions"


def submit(
    api: TestClient, demo: DemoRegistry, body: dict[str, Any], role: str = "manufacturer"
) -> Any:
    return api.post(URL, headers=demo.headers(role), json=body)


def problems(answer: Any) -> dict[str, str]:
    """The 422's defects by field (messages of one field joined)."""
    assert answer.status_code == 422, answer.text
    found: dict[str, str] = {}
    for d in answer.json()["error"]["details"]:
        found[d["field"]] = (found.get(d["field"], "") + " | " + d["message"]).strip(" |")
    return found


def registry_state(demo: DemoRegistry) -> tuple[int, int]:
    with read_transaction(demo.engine) as conn:
        count = conn.execute(select(func.count()).select_from(cpl_entries)).scalar_one()
        batch = conn.execute(select(func.max(change_batches.c.batch_id))).scalar_one()
    return int(count), int(batch)


def test_a_submission_is_201_with_its_id_and_upgrade_from_resolved_by_name_and_hex(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    newest, before = entries[-1], entries[-2]
    body = proposal(
        model, entries, upgrade_from=[newest.firmware_version_name, before.firmware_version]
    )
    answer = submit(api, demo, body)
    assert answer.status_code == 201, answer.text
    done = answer.json()
    assert isinstance(done["id"], int)
    assert answer.headers["Location"] == f"{URL}/{done['id']}"
    assert done["state"] == "pending" and done["cpl_entry_id"] is None
    assert done["entry"]["cpl_entry_id"] is None
    assert done["entry"]["upgrade_from"] == [newest.cpl_entry_id, before.cpl_entry_id]
    assert [(r["given"], r["cpl_entry_id"]) for r in done["upgrade_from_resolved"]] == [
        (newest.firmware_version_name, newest.cpl_entry_id),
        (before.firmware_version, before.cpl_entry_id),
    ]
    assert done["upgrade_from_given"] == body["upgrade_from"]
    assert done["entry"]["manufacturer_name"] == newest.manufacturer_name  # from the CPL
    assert any(
        "checked again" in c or "next number" in c for c in done["checked_again_at_approval"]
    )
    shown = api.get(f"{URL}/{done['id']}", headers=demo.headers("manufacturer")).json()
    assert shown["entry"] == done["entry"]


def test_a_manufacturer_may_not_submit_for_another_manufacturer(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = other_maker_model()
    answer = submit(api, demo, proposal(model, entries))
    assert answer.status_code == 403, answer.text
    assert model.manufacturer_id in answer.json()["error"]["message"]
    assert api.get(URL, headers=demo.headers("secas")).json()["submissions"] == []
    assert submit(api, demo, proposal(model, entries), role="supplier").status_code == 201


def test_an_in_scope_device_type_must_give_the_four_new_fields_each_named(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    body = proposal(model, entries)
    for field in ("upgrade_from", "zigbee_chipset_vendor", "zigbee_stack_version", "zigbee_band"):
        del body[field]
    found = problems(submit(api, demo, body))
    assert set(found) == {
        "upgrade_from",
        "zigbee_chipset_vendor",
        "zigbee_stack_version",
        "zigbee_band",
    }
    assert '{"all_earlier": true}' in found["upgrade_from"]
    nulls = proposal(model, entries, zigbee_band=None, zigbee_stack_version="  ")
    assert set(problems(submit(api, demo, nulls))) == {"zigbee_band", "zigbee_stack_version"}


def test_every_defect_of_a_submission_is_reported_at_once(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    body = proposal(
        model,
        entries,
        firmware_version="1.2.3",
        zigbee_band="Dual Band",
        upgrade_from=["no-such-version"],
        zigbee_chipset_vendor=None,
    )
    found = problems(submit(api, demo, body))
    assert set(found) == {
        "firmware_version",
        "zigbee_band",
        "upgrade_from",
        "zigbee_chipset_vendor",
    }
    assert "8 hexadecimal digits" in found["firmware_version"]
    assert "neither a CPL Entry ID nor a firmware version" in found["upgrade_from"]


def test_a_name_with_two_builds_is_422_listing_the_candidates(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = twin_model()
    names = [e.firmware_version_name for e in entries]
    twin = next(n for n in names if names.count(n) > 1)
    builds = [e for e in entries if e.firmware_version_name == twin]
    found = problems(submit(api, demo, proposal(model, entries, upgrade_from=[twin])))
    for b in builds:
        assert f"{b.cpl_entry_id} (version {twin}" in found["upgrade_from"]
        assert b.manufacturer_image_hash[:12] in found["upgrade_from"]
    chosen = f"{twin}#{builds[1].manufacturer_image_hash[:8]}"
    answer = submit(api, demo, proposal(model, entries, upgrade_from=[chosen]))
    assert answer.status_code == 201, answer.text
    assert answer.json()["entry"]["upgrade_from"] == [builds[1].cpl_entry_id]


def test_ids_of_another_device_model_are_422(api: TestClient, demo: DemoRegistry) -> None:
    model, entries = own_model()
    other, other_entries = other_maker_model()
    stranger = other_entries[0].cpl_entry_id
    found = problems(submit(api, demo, proposal(model, entries, upgrade_from=[stranger])))
    assert f"{stranger} is an entry of device model {other}" in found["upgrade_from"]


def test_a_build_already_on_the_cpl_or_pending_is_refused_at_submission(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    newest = entries[-1]
    on_cpl = proposal(
        model,
        entries,
        firmware_version=newest.firmware_version,
        manufacturer_image_hash=newest.manufacturer_image_hash,
        upgrade_from=[entries[-2].cpl_entry_id],
    )
    assert (
        f"on the CPL already as entry {newest.cpl_entry_id}"
        in (problems(submit(api, demo, on_cpl))["manufacturer_image_hash"])
    )
    first = submit(api, demo, proposal(model, entries)).json()["id"]
    again = problems(submit(api, demo, proposal(model, entries)))
    assert f"submission {first} (pending)" in again["manufacturer_image_hash"]


def test_approval_publishes_the_entry_for_entries_paths_and_history(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    newest = entries[-1]
    sid = submit(api, demo, proposal(model, entries)).json()["id"]
    secas = demo.headers("secas")
    done = api.post(f"{URL}/{sid}/approve", headers=secas, json={"reason": "test report checked"})
    assert done.status_code == 200, done.text
    approved = done.json()
    entry_id = approved["cpl_entry_id"]
    highest = max(int(e.cpl_entry_id) for es in [entries] for e in es)
    assert int(entry_id) > highest and approved["state"] == "approved"
    assert approved["decided_by"] == demo.emails["secas"]
    shown = api.get(f"/api/v1/entries/{entry_id}", headers=demo.headers("reader")).json()
    assert shown["upgrade_from"] == [newest.cpl_entry_id]
    assert shown["date_added"] is not None and shown["missing"] == []
    path = api.get(
        "/api/v1/paths", headers=demo.headers("supplier"), params={"from": newest.cpl_entry_id}
    ).json()
    assert path["status"] == "ok" and path["to"] == entry_id
    assert [s["cpl_entry_id"] for s in path["steps"]] == [entry_id]
    (item,) = api.get(f"/api/v1/entries/{entry_id}/history", headers=secas).json()["history"]
    assert item["actor"] == demo.emails["secas"]
    assert item["reason"] == "test report checked"
    assert (
        item["command"] == "approve"
        and item["source"] == f"submission {sid} by {demo.emails['manufacturer']}"
    )
    mine = api.get(f"{URL}/{sid}", headers=demo.headers("manufacturer")).json()
    assert mine["state"] == "approved" and mine["cpl_entry_id"] == entry_id


def test_all_earlier_is_expanded_at_approval_including_entries_added_meanwhile(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    body = proposal(model, entries, step=0x100, upgrade_from={"all_earlier": True})
    submitted = submit(api, demo, body).json()
    assert submitted["entry"]["upgrade_from"] == {"all_earlier": True}
    active = [e.cpl_entry_id for e in entries if e.is_active]
    assert submitted["all_earlier_today"] == active
    between = submit(api, demo, proposal(model, entries, step=1)).json()["id"]
    secas = demo.headers("secas")
    added = api.post(f"{URL}/{between}/approve", headers=secas).json()["cpl_entry_id"]
    done = api.post(f"{URL}/{submitted['id']}/approve", headers=secas, json={})
    assert done.status_code == 200, done.text
    expected = [*active, added]
    assert done.json()["entry"]["upgrade_from"] == expected
    entry_id = done.json()["cpl_entry_id"]
    shown = api.get(f"/api/v1/entries/{entry_id}", headers=secas).json()
    assert shown["upgrade_from"] == expected
    assert not set(shown["upgrade_from"]) & {e.cpl_entry_id for e in entries if not e.is_active}


def test_an_approval_failing_a_rule_leaves_the_submission_pending_and_changes_nothing(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    body = proposal(model, entries)
    sid = submit(api, demo, body).json()["id"]
    record = {k: v for k, v in body.items() if isinstance(v, str)}
    record |= {"cpl_entry_id": "20000", "status": "active", "upgrade_from": "N/A"}
    imported, _ = entry_from_record(record)
    assert imported is not None
    import_entries(demo.engine, [imported], source="cpl-extract.csv", actor="secas")
    before = registry_state(demo)
    refused = api.post(f"{URL}/{sid}/approve", headers=demo.headers("secas"), json={"reason": "ok"})
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert "stays pending" in error["message"]
    assert any(
        "same device model, firmware version and hash as 20000" in d["message"]
        for d in error["details"]
    )
    assert registry_state(demo) == before
    assert api.get(f"{URL}/{sid}", headers=demo.headers("secas")).json()["state"] == "pending"


def test_a_decided_submission_cannot_be_decided_again(api: TestClient, demo: DemoRegistry) -> None:
    model, entries = own_model()
    sid = submit(api, demo, proposal(model, entries)).json()["id"]
    secas = demo.headers("secas")
    entry_id = api.post(f"{URL}/{sid}/approve", headers=secas).json()["cpl_entry_id"]
    again = api.post(f"{URL}/{sid}/approve", headers=secas)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_decided"
    assert f"is approved as CPL entry {entry_id}" in again.json()["error"]["message"]
    rejected = api.post(f"{URL}/{sid}/reject", headers=secas, json={"reason": "duplicate"})
    assert rejected.status_code == 409


def test_a_rejection_needs_a_reason_which_the_submitter_reads(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    sid = submit(api, demo, proposal(model, entries)).json()["id"]
    secas = demo.headers("secas")
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        answer = api.post(f"{URL}/{sid}/reject", headers=secas, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]["details"][0]["field"] == "reason"
    done = api.post(
        f"{URL}/{sid}/reject", headers=secas, json={"reason": "hash does not match the image"}
    )
    assert done.status_code == 200 and done.json()["state"] == "rejected"
    mine = api.get(f"{URL}/{sid}", headers=demo.headers("manufacturer")).json()
    assert mine["decision_reason"] == "hash does not match the image"
    assert api.post(f"{URL}/{sid}/approve", headers=secas).status_code == 409
    assert submit(api, demo, proposal(model, entries)).status_code == 201  # may try again


def test_only_secas_approves_or_rejects(api: TestClient, demo: DemoRegistry) -> None:
    model, entries = own_model()
    sid = submit(api, demo, proposal(model, entries)).json()["id"]
    for role in ("manufacturer", "supplier", "ssc", "reader"):
        assert api.post(f"{URL}/{sid}/approve", headers=demo.headers(role)).status_code == 403
        answer = api.post(f"{URL}/{sid}/reject", headers=demo.headers(role), json={"reason": "x"})
        assert answer.status_code == 403


def test_each_account_sees_its_own_submissions_and_secas_sees_all(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    other, other_entries = other_maker_model()
    mine = submit(api, demo, proposal(model, entries)).json()["id"]
    theirs = submit(api, demo, proposal(other, other_entries), role="supplier").json()["id"]
    secas = demo.headers("secas")
    api.post(f"{URL}/{theirs}/reject", headers=secas, json={"reason": "no test report"})

    def listed(role: str, **params: str) -> list[int]:
        answer = api.get(URL, headers=demo.headers(role), params=params)
        assert answer.status_code == 200, answer.text
        return [s["id"] for s in answer.json()["submissions"]]

    assert listed("manufacturer") == [mine]
    assert listed("supplier") == [theirs]
    assert listed("secas") == [theirs, mine]
    assert listed("secas", state="pending") == [mine]
    assert listed("secas", state="rejected") == [theirs]
    for state in ("done", "REJECTED"):  # the API takes a state exactly as the schema says
        refused = api.get(URL, headers=secas, params={"state": state})
        assert refused.status_code == 422 and state in refused.json()["error"]["message"]
    hidden = api.get(f"{URL}/{theirs}", headers=demo.headers("manufacturer"))
    missing = api.get(f"{URL}/999999", headers=demo.headers("manufacturer"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"] == missing.json()["error"]["message"].replace(
        "999999", str(theirs)
    )
    for role in ("reader", "ssc"):
        assert api.get(URL, headers=demo.headers(role)).status_code == 403


def test_upgrade_from_may_be_one_string_as_in_the_cpl_file(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    newest, before = entries[-1], entries[-2]
    typed = f"{newest.firmware_version_name}, {before.cpl_entry_id}"
    answer = submit(api, demo, proposal(model, entries, upgrade_from=typed))
    assert answer.status_code == 201, answer.text
    assert answer.json()["entry"]["upgrade_from"] == [newest.cpl_entry_id, before.cpl_entry_id]
    assert (
        api.get(f"{URL}/{answer.json()['id']}", headers=demo.headers("manufacturer")).json()[
            "upgrade_from_given"
        ]
        == typed
    )


def test_hand_typed_mistakes_are_answered_plainly(api: TestClient, demo: DemoRegistry) -> None:
    model, entries = own_model()
    headers = demo.headers("manufacturer") | {"Content-Type": "application/json"}
    broken = api.post(URL, headers=headers, content='{"device_type": "ESME",}')
    assert broken.status_code == 422
    assert "not valid JSON" in broken.json()["error"]["message"]
    plain = api.post(URL, headers=demo.headers("manufacturer"), content="device_type=ESME")
    assert "JSON object" in plain.json()["error"]["message"]
    body = proposal(model, entries)
    body["Firmware Version"] = body.pop("firmware_version")
    body["model_id"] = int(body["model_id"])
    found = problems(submit(api, demo, body))
    assert "did you mean firmware_version?" in found["Firmware Version"]
    assert "double quotes" in found["model_id"]
    named = proposal(model, entries, firmware_version="9.1.0", zigbee_chipset_vendor="TBC")
    del named["firmware_version_name"]
    found = problems(submit(api, demo, named))
    assert "'9.1.0' goes in firmware_version_name" in found["firmware_version"]
    assert "must name it" in found["zigbee_chipset_vendor"]
    assert (
        "fix firmware_version, zigbee_chipset_vendor"
        in (submit(api, demo, named).json()["error"]["message"])
    )
    secas = demo.headers("secas")
    sid = submit(api, demo, proposal(model, entries)).json()["id"]
    bare = api.post(f"{URL}/{sid}/reject", headers=secas)
    assert bare.status_code == 422 and "giving: reason" in bare.json()["error"]["message"]


def test_a_submission_that_disagrees_with_its_device_model_is_refused_naming_each_field(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    newest, older = entries[-1], entries[0]
    body = proposal(
        model,
        entries,
        device_type="GSME" if newest.device_type.value != "GSME" else "ESME",
        firmware_version_name=older.firmware_version_name,  # another version's name
        manufacturer_name="Other Co",
        model_name="Totally Different",
    )
    found = problems(submit(api, demo, body))
    assert f"is {newest.device_type.value} on the CPL" in found["device_type"]
    assert f"already firmware {older.firmware_version}" in found["firmware_version_name"]
    assert "the CPL names it" in found["manufacturer_name"]
    assert "the CPL names it" in found["model_name"]


def test_a_submission_upgraded_from_a_later_version_is_refused(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    newest, middle = entries[-1], entries[-2]
    # a build between the two newest versions, claiming to be upgraded from the newest
    version = f"{middle.firmware_number + 1:08X}"
    assert int(version, 16) < newest.firmware_number
    body = proposal(
        model,
        entries,
        firmware_version=version,
        firmware_version_name="between",
        upgrade_from=[newest.cpl_entry_id],
    )
    found = problems(submit(api, demo, body))
    assert "which is later than this entry's firmware" in found["upgrade_from"]


def test_a_field_that_failed_is_not_measured_against_the_device_model(
    api: TestClient, demo: DemoRegistry
) -> None:
    model, entries = own_model()
    # a bad device type and firmware version: said once each, never about what stood in
    body = proposal(
        model,
        entries,
        device_type="TOASTER",
        firmware_version="1.2.3",
        upgrade_from=[entries[-1].cpl_entry_id],
    )
    answer = submit(api, demo, body)
    assert answer.status_code == 422, answer.text
    details = answer.json()["error"]["details"]
    assert sorted(d["field"] for d in details) == ["device_type", "firmware_version"]
    assert {d["value"] for d in details} == {"TOASTER", "1.2.3"}
