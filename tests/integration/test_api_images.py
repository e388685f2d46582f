"""`POST /api/v1/images/verify` on both databases: an OTA image streamed to disk, checked by
the service of `firpath verify-image`, answered as the document `verify-image --json` prints
(match, mismatch and no match alike 200), unreadable files 422 with what is wrong, past the
upload limit 413, nothing left on the server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from firpath.api.app import create_app
from firpath.api.image_shapes import ImageCheckAnswer
from firpath.cli.main import app as cli
from firpath.io.uploads import FOLDER_PREFIX
from firpath.samples.ota_files import demo_manufacturer_image, upgrade_image
from tests.api_harness import DemoRegistry, in_process
from tests.integration.image_files import (
    LATER,
    NEXT,
    REMOVED,
    SOURCE,
    TWIN_VERSION,
    TWINS,
    entry,
    image_of,
    unknown_image,
    unreadable_files,
)

VERIFY: Final = "/api/v1/images/verify"

pytestmark = pytest.mark.usefixtures("no_upload_left")


@pytest.fixture
def api(registry: DemoRegistry) -> Iterator[TestClient]:
    with in_process(registry) as served:
        yield served


def verify(
    api: TestClient,
    registry: DemoRegistry,
    image: bytes,
    role: str = "supplier",
    name: str = "image.ota",
    **params: str,
) -> Any:
    return api.post(
        VERIFY,
        headers=registry.headers(role),
        params=params,
        files={"file": (name, image, "application/octet-stream")},
    )


def checked(answer: Any) -> dict[str, Any]:
    """The answer's document, once it is 200 and has the declared shape."""
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    ImageCheckAnswer.model_validate(document)
    return document


@pytest.mark.parametrize("framing", ["gbcs", "sub_element"])
def test_an_entrys_image_matches_in_either_framing(
    api: TestClient, registry: DemoRegistry, framing: str
) -> None:
    wanted = entry(registry, SOURCE)
    image = image_of(wanted, framing, hardware_versions=(1, 3))  # type: ignore[arg-type]
    document = checked(verify(api, registry, image))
    assert document["match"]["status"] == "match"
    assert document["match"]["cpl_entry_id"] == SOURCE and document["match"]["problems"] == []
    assert document["manufacturer_image_hash"] == wanted.manufacturer_image_hash
    assert document["header"]["manufacturer_code"] == wanted.manufacturer_id
    assert document["header"]["file_version"] == wanted.firmware_version
    assert document["header"]["minimum_hardware_version"] == "0001"
    assert document["image"]["framing"] == framing and document["image"]["file_size"] == len(image)
    assert document["match"]["entry"]["manufacturer_name"] == wanted.manufacturer_name
    assert document["safe_to_send"] is True and document["next_step"] is None
    assert document["warnings"] == []


def test_an_image_zigpy_serialises_matches(api: TestClient, registry: DemoRegistry) -> None:
    """Interoperability: the OTA file made by an independent serialiser (zigpy's), with the
    Upgrade Image in sub-element 0x0000 beside an ECDSA signature sub-element."""
    from zigpy.ota import image as zigpy_ota

    wanted = entry(registry, SOURCE)
    manufacturer_image = demo_manufacturer_image(wanted)
    assert manufacturer_image is not None
    elements = [
        zigpy_ota.SubElement(
            tag_id=zigpy_ota.ElementTagId.UPGRADE_IMAGE, data=upgrade_image(manufacturer_image)
        ),
        zigpy_ota.SubElement(
            tag_id=zigpy_ota.ElementTagId.ECDSA_SIGNATURE_CRYPTO_SUITE_1, data=bytes(50)
        ),
    ]
    header_length = 60  # the 56 fixed octets and the two hardware versions
    header = zigpy_ota.OTAImageHeader(
        upgrade_file_id=0x0BEEF11E,
        header_version=0x0100,
        header_length=header_length,
        field_control=zigpy_ota.FieldControl.HARDWARE_VERSIONS_PRESENT,
        manufacturer_id=int(wanted.manufacturer_id, 16),
        image_type=0x0001,
        file_version=wanted.firmware_number,
        stack_version=0x0002,
        header_string=zigpy_ota.HeaderString("made by zigpy"),
        image_size=header_length + sum(len(e.serialize()) for e in elements),
        minimum_hardware_version=1,
        maximum_hardware_version=3,
    )
    made = zigpy_ota.OTAImage(header=header, subelements=elements).serialize()
    document = checked(verify(api, registry, made, name="zigpy.ota"))
    assert document["match"]["status"] == "match" and document["match"]["cpl_entry_id"] == SOURCE
    assert document["header"]["header_string"] == "made by zigpy"
    assert [e["tag"] for e in document["image"]["sub_elements"]] == ["0000", "0001"]
    assert document["header"]["maximum_hardware_version"] == "0003"


def test_a_mismatch_names_each_cpl_column_with_both_values(
    api: TestClient, registry: DemoRegistry
) -> None:
    hashed = entry(registry, NEXT)  # its image, labelled as another maker's older firmware
    image = image_of(hashed, manufacturer_code=0x1ABC, file_version=0x01030200)
    document = checked(verify(api, registry, image))
    match = document["match"]
    assert match["status"] == "mismatch" and match["cpl_entry_id"] == NEXT
    assert match["problems"] == [
        {"field": "manufacturer_id", "image": "1ABC", "cpl": hashed.manufacturer_id},
        {"field": "firmware_version", "image": "01030200", "cpl": hashed.firmware_version},
    ]
    assert "Do not send it" in match["summary"] and document["safe_to_send"] is False
    assert document["contact"]  # whom to ask at the hash's entry's manufacturer


def test_an_image_on_no_entry_is_no_match_with_or_without_entries_of_its_version(
    api: TestClient, registry: DemoRegistry
) -> None:
    twin = entry(registry, TWINS[0])
    same = checked(
        verify(api, registry, unknown_image(int(twin.manufacturer_id, 16), twin.firmware_number))
    )
    assert same["match"]["status"] == "no_match" and same["match"]["cpl_entry_id"] is None
    assert [e["cpl_entry_id"] for e in same["match"]["same_version"]] == list(TWINS)
    assert "another image than this file" in same["match"]["summary"]
    unknown = checked(verify(api, registry, unknown_image(0xFEED, 0x7F000001)))
    assert unknown["match"]["status"] == "no_match" and unknown["match"]["same_version"] == []
    assert "not an image on the CPL" in unknown["match"]["summary"]
    assert unknown["safe_to_send"] is False


def test_a_removed_entrys_image_is_warned_of(api: TestClient, registry: DemoRegistry) -> None:
    document = checked(verify(api, registry, image_of(entry(registry, REMOVED))))
    assert document["match"]["status"] == "match"
    assert document["match"]["entry"]["status"] == "removed"
    assert any("removed from the CPL" in w for w in document["warnings"])
    assert document["match"]["status"] == "match" and document["safe_to_send"] is False


def test_from_says_whether_the_image_is_the_meters_next_step(
    api: TestClient, registry: DemoRegistry
) -> None:
    nxt = checked(verify(api, registry, image_of(entry(registry, NEXT)), **{"from": SOURCE}))
    assert nxt["next_step"]["is_next_step"] is True and nxt["safe_to_send"] is True
    assert nxt["next_step"]["from"] == SOURCE
    later = image_of(entry(registry, LATER), "sub_element")
    not_yet = checked(verify(api, registry, later, **{"from": SOURCE}))
    step = not_yet["next_step"]
    assert step["is_next_step"] is False and not_yet["safe_to_send"] is False
    assert step["next_image"]["cpl_entry_id"] == NEXT
    assert [s["cpl_entry_id"] for s in step["steps"]] == [NEXT, LATER]
    assert f"Send {NEXT}" in step["reason"]


def test_from_may_be_the_forms_field_but_not_both(api: TestClient, registry: DemoRegistry) -> None:
    image = image_of(entry(registry, NEXT))
    headers = registry.headers("supplier")
    files = {"file": ("image.ota", image)}
    in_form = api.post(VERIFY, headers=headers, data={"from": SOURCE}, files=files)
    assert checked(in_form)["next_step"]["is_next_step"] is True
    both = api.post(
        VERIFY, headers=headers, params={"from": SOURCE}, data={"from": NEXT}, files=files
    )
    assert both.status_code == 422
    assert both.json()["error"]["details"][0]["field"] == "from"


@pytest.mark.parametrize(
    ("source", "status", "code"),
    [
        ("99999", 404, "not_found"),
        (TWIN_VERSION, 409, "ambiguous_firmware"),
        ("10039 <script>", 422, "invalid_input"),
    ],
)
def test_a_from_not_on_the_cpl_or_ambiguous_or_malformed_is_refused(
    api: TestClient, registry: DemoRegistry, source: str, status: int, code: str
) -> None:
    image = image_of(entry(registry, NEXT))
    for sent in ({"params": {"from": source}}, {"data": {"from": source}}):
        answer = api.post(
            VERIFY,
            headers=registry.headers("supplier"),
            files={"file": ("image.ota", image)},
            **sent,  # type: ignore[arg-type]
        )
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["code"] == code


@pytest.mark.parametrize("kind", ["empty", "wrong magic", "truncated", "inside the header"])
def test_an_unreadable_file_is_422_saying_what_is_wrong(
    api: TestClient, registry: DemoRegistry, kind: str
) -> None:
    data, says = unreadable_files(registry)[kind]
    answer = verify(api, registry, data, name="firmware.ota")
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "unreadable_file"
    assert says in error["message"] and error["message"].startswith("firmware.ota")
    assert "Traceback" not in answer.text and FOLDER_PREFIX not in answer.text


def test_the_form_needs_its_file_and_a_multipart_body(
    api: TestClient, registry: DemoRegistry
) -> None:
    headers = registry.headers("supplier")
    no_file = api.post(VERIFY, headers=headers, files={"from": (None, SOURCE)})
    assert no_file.status_code == 422
    assert no_file.json()["error"]["details"][0]["field"] == "file"
    other = api.post(VERIFY, headers=headers, files={"image": ("a.ota", b"x"), "file": ("b", b"y")})
    assert other.status_code == 422 and "image" in other.text
    raw = api.post(
        VERIFY,
        headers=headers | {"Content-Type": "application/octet-stream"},
        content=image_of(entry(registry, SOURCE)),
    )
    assert raw.status_code == 415 and "multipart/form-data" in raw.json()["error"]["message"]


def test_past_the_upload_limit_is_413(registry: DemoRegistry) -> None:
    big = image_of(entry(registry, SOURCE)) + bytes(1 << 20)  # past 1 MB (and unreadable)
    with TestClient(create_app(registry.engine, upload_limit_mb=1)) as client:
        answer = verify(client, registry, big)
        assert answer.status_code == 413
        assert "larger than this server accepts (1 MB" in answer.json()["error"]["message"]
        streamed = client.post(
            VERIFY,
            headers=registry.headers("supplier")
            | {"Content-Type": "multipart/form-data; boundary=xyz"},
            content=iter(
                [
                    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.ota"'
                    b"\r\n\r\n" + big[:700_000],
                    big[700_000:] + b"\r\n--xyz--\r\n",
                ]
            ),  # no Content-Length: counted as it comes
        )
        assert streamed.status_code == 413
        small = verify(client, registry, image_of(entry(registry, SOURCE)))
        assert small.status_code == 200


def test_the_answer_is_what_verify_image_json_prints(
    api: TestClient, registry: DemoRegistry, tmp_path: Path
) -> None:
    runner = CliRunner()
    cases = [
        (image_of(entry(registry, LATER), "sub_element"), SOURCE),
        (image_of(entry(registry, NEXT), manufacturer_code=0x1ABC), None),
        (image_of(entry(registry, REMOVED)), None),
    ]
    for index, (image, source) in enumerate(cases):
        path = tmp_path / f"image-{index}.ota"
        path.write_bytes(image)
        args = ["--db", registry.url, "verify-image", str(path), "--json"]
        args += ["--from", source] if source else []
        printed = runner.invoke(cli, args)
        params = {"from": source} if source else {}
        answered = checked(verify(api, registry, image, **params))
        assert json.loads(printed.stdout) == answered
        assert printed.exit_code == (0 if answered["safe_to_send"] else 3)


@pytest.mark.parametrize(
    ("role", "status"),
    [("supplier", 200), ("secas", 200), ("ssc", 403), ("manufacturer", 403), ("reader", 403)],
)
def test_checking_an_image_needs_the_plan_permission(
    api: TestClient, registry: DemoRegistry, role: str, status: int
) -> None:
    image = image_of(entry(registry, SOURCE))
    assert verify(api, registry, image, role=role).status_code == status
    assert api.post(VERIFY, files={"file": ("image.ota", image)}).status_code == 401
