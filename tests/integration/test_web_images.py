"""The OTA image check page in process, on both databases: the verdict in words first, the
entry, what disagrees, the next step and the image to send instead, the header; unreadable
files, a bad `from` and past the upload limit get a page saying so (never a 500); nothing
stays on the server."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from firpath.api.app import create_app
from firpath.io.uploads import FOLDER_PREFIX
from firpath.services.accounts import form_token, sign_in
from tests.api_harness import DemoRegistry, in_process
from tests.integration.image_files import (
    LATER,
    NEXT,
    REMOVED,
    SOURCE,
    TWINS,
    entry,
    image_of,
    unknown_image,
    unreadable_files,
)

PAGE: Final = "/images/verify"

pytestmark = pytest.mark.usefixtures("no_upload_left")


@pytest.fixture
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    with in_process(registry) as served:
        yield served


def signed_in(client: TestClient, registry: DemoRegistry, role: str = "supplier") -> str:
    """Sign `client` in as `role`; the form token of its session."""
    session = sign_in(registry.engine, registry.emails[role], registry.passwords[role])
    client.cookies.set("firpath_session", session.secret)
    return form_token(session.secret)


def post_image(
    client: TestClient, token: str, image: bytes, name: str = "image.ota", **fields: str
) -> Any:
    return client.post(
        PAGE,
        data={"csrf_token": token, **fields},
        files={"file": (name, image, "application/octet-stream")},
    )


def text(page: str) -> str:
    """The page's words, tags dropped and white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def verdict(page: str) -> str:
    """The words of the verdict section (the first thing after the heading)."""
    found = re.search(r'<section class="verdict[^"]*".*?</section>', page, re.S)
    assert found is not None, page[:2000]
    return text(found.group(0))


def test_the_form_is_in_the_nav_and_fills_in_from(
    client: TestClient, registry: DemoRegistry
) -> None:
    signed_in(client, registry)
    page = client.get(PAGE, params={"from": SOURCE})
    assert page.status_code == 200
    assert 'href="/images/verify"' in page.text and "Check an image" in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'name="csrf_token"' in page.text
    assert '<label for="image-file">' in page.text and '<label for="image-from">' in page.text
    assert f'value="{SOURCE}"' in page.text
    signed_in(client, registry, "reader")
    assert 'href="/images/verify"' not in client.get("/entries").text


def test_an_entry_page_links_to_the_check_for_a_meter_on_it(
    client: TestClient, registry: DemoRegistry
) -> None:
    link = f'href="/images/verify?from={SOURCE}"'
    signed_in(client, registry)
    assert link in client.get(f"/entries/{SOURCE}").text
    signed_in(client, registry, "reader")  # may not plan: no link
    assert link not in client.get(f"/entries/{SOURCE}").text


@pytest.mark.parametrize("framing", ["gbcs", "sub_element"])
def test_a_match_says_so_first_and_shows_the_entry_and_header(
    client: TestClient, registry: DemoRegistry, framing: str
) -> None:
    token = signed_in(client, registry)
    wanted = entry(registry, SOURCE)
    page = post_image(client, token, image_of(wanted, framing), name="meter-fw.ota")  # type: ignore[arg-type]
    assert page.status_code == 200, page.text
    words = verdict(page.text)
    assert words.startswith("Match: this image is on the CPL Safe to send.")
    assert f"CPL entry {SOURCE}" in words
    assert page.text.index("verdict-heading") < page.text.index("entry-heading")
    assert f'href="/entries/{SOURCE}"' in page.text
    body = text(page.text)
    assert f"{wanted.firmware_version_name} ( {wanted.firmware_version} )" in body
    assert f"{wanted.manufacturer_name} ( {wanted.manufacturer_id} )" in body
    assert wanted.manufacturer_image_hash in page.text and "meter-fw.ota" in body
    placed = "inside a ZigBee OTA sub-element" if framing == "sub_element" else "GBCS construction"
    assert placed in body
    assert "Whom to ask" not in body  # safe: no contact needed


def test_a_mismatch_tables_each_column_with_both_values(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    hashed = entry(registry, NEXT)
    image = image_of(hashed, manufacturer_code=0x1ABC, file_version=0x01030200)
    page = post_image(client, token, image)
    assert page.status_code == 200
    assert verdict(page.text).startswith(
        "Mismatch: the image's header disagrees with its CPL entry Do not send this image."
    )
    table = re.search(r'<table class="stack problems">.*?</table>', page.text, re.S)
    assert table is not None
    rows = [text(r) for r in re.findall(r"<tr>.*?</tr>", table.group(0), re.S)[1:]]
    assert rows == [
        f"Manufacturer ID manufacturer_id 1ABC {hashed.manufacturer_id}",
        f"Firmware version firmware_version 01030200 {hashed.firmware_version}",
    ]
    assert 'data-label="CPL column"' in table.group(0)
    assert "Whom to ask" in page.text and "The contact at manufacturer" in page.text


def test_an_image_on_no_entry_says_not_on_the_cpl_and_lists_its_versions_entries(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    twin = entry(registry, TWINS[0])
    page = post_image(
        client, token, unknown_image(int(twin.manufacturer_id, 16), twin.firmware_number)
    )
    assert page.status_code == 200
    assert verdict(page.text).startswith("Not on the CPL: no entry has this image Do not send")
    for twin_id in TWINS:
        assert f'<a href="/entries/{twin_id}">{twin_id}</a>' in page.text
    alone = post_image(client, token, unknown_image(0xFEED, 0x7F000001))
    assert "What the CPL lists for this version" not in alone.text
    assert "not an image on the CPL" in verdict(alone.text)
    assert "No contact provided" in text(alone.text)


def test_a_removed_entrys_image_is_not_to_send(client: TestClient, registry: DemoRegistry) -> None:
    token = signed_in(client, registry)
    page = post_image(client, token, image_of(entry(registry, REMOVED)))
    assert page.status_code == 200
    words = verdict(page.text)
    assert f"Do not send this image: CPL entry {REMOVED} has been removed" in words
    assert "Safe to send" not in words
    assert "Warning:" in page.text and "removed from the CPL" in page.text
    assert 'class="badge removed"' in page.text


def test_the_next_step_and_the_image_to_send_instead(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    yes = post_image(client, token, image_of(entry(registry, NEXT)), **{"from": SOURCE})
    assert f"Safe to send to a meter on CPL entry {SOURCE}." in verdict(yes.text)
    assert "this is the next image to send" in verdict(yes.text)
    assert "Send instead" not in yes.text
    later = image_of(entry(registry, LATER), "sub_element")
    no = post_image(client, token, later, **{"from": SOURCE})
    assert no.status_code == 200
    assert "this is not the next image to send" in verdict(no.text)
    instead = re.search(r'<p class="send-instead">.*?</p>', no.text, re.S)
    assert instead is not None
    assert f'href="/entries/{NEXT}"' in instead.group(0)
    assert entry(registry, NEXT).manufacturer_image_hash in instead.group(0)
    assert f'value="{SOURCE}"' in no.text  # the form keeps the meter's firmware


@pytest.mark.parametrize("kind", ["empty", "wrong magic", "truncated", "inside the header"])
def test_an_unreadable_file_gets_a_page_saying_what_is_wrong(
    client: TestClient, registry: DemoRegistry, kind: str
) -> None:
    token = signed_in(client, registry)
    data, says = unreadable_files(registry)[kind]
    page = post_image(client, token, data, name="firmware.ota")
    assert page.status_code == 422
    assert "The file is not a readable OTA image" in page.text
    assert says in page.text and "firmware.ota" in page.text
    assert 'role="alert"' in page.text and "Traceback" not in page.text
    assert FOLDER_PREFIX not in page.text


@pytest.mark.parametrize(
    ("source", "status", "says"),
    [
        ("99999", 404, "99999"),
        ("1555/0100/0003@01040402", 409, TWINS[0]),
        ("<script>alert(1)</script>", 422, "must be a CPL Entry ID"),
    ],
)
def test_a_bad_from_is_said_and_shown_as_text(
    client: TestClient, registry: DemoRegistry, source: str, status: int, says: str
) -> None:
    token = signed_in(client, registry)
    page = post_image(client, token, image_of(entry(registry, NEXT)), **{"from": source})
    assert page.status_code == status
    assert says in page.text and "<script>alert" not in page.text
    assert str(escape(source)) in page.text  # kept in the field, escaped
    if status == 422:
        assert 'aria-invalid="true"' in page.text and 'id="image-from-error"' in page.text


def test_the_form_needs_the_file_and_its_token(client: TestClient, registry: DemoRegistry) -> None:
    token = signed_in(client, registry)
    no_file = client.post(PAGE, files={"csrf_token": (None, token), "from": (None, SOURCE)})
    assert no_file.status_code == 422 and "Choose an OTA image file to check." in no_file.text
    image = image_of(entry(registry, SOURCE))
    no_token = client.post(PAGE, files={"file": ("image.ota", image)})
    assert no_token.status_code == 403
    wrong = post_image(client, "0" * 64, image)
    assert wrong.status_code == 403 and "Match:" not in wrong.text
    shown = client.get(PAGE, params={"from": "<script>x</script>"})
    assert "<script>x" not in shown.text and "&lt;script&gt;x" in shown.text


def test_past_the_upload_limit_the_page_says_the_limit(registry: DemoRegistry) -> None:
    big = image_of(entry(registry, SOURCE)) + bytes(1 << 20)
    with TestClient(create_app(registry.engine, upload_limit_mb=1)) as client:
        token = signed_in(client, registry)
        page = post_image(client, token, big)
        assert page.status_code == 413
        assert "The image is too large" in page.text and "1 MB" in page.text


@pytest.mark.parametrize(
    ("role", "status"),
    [("supplier", 200), ("secas", 200), ("ssc", 403), ("manufacturer", 403), ("reader", 403)],
)
def test_only_roles_that_plan_may_check(
    client: TestClient, registry: DemoRegistry, role: str, status: int
) -> None:
    token = signed_in(client, registry, role)
    assert post_image(client, token, image_of(entry(registry, SOURCE))).status_code == status
