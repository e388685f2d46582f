"""The OpenAPI schema of an image check: the document `firpath.image_document` builds, which
`POST /api/v1/images/verify` answers and `firpath verify-image --json` prints (see
`firpath.api.shapes`)."""

from __future__ import annotations

from pydantic import Field

from firpath.api.shapes import Shape, Step


class OtaHeaderFields(Shape):
    """The OTA header's fields: codes and versions in CPL notation (hex), sizes as numbers;
    null for an optional field that field control does not announce."""

    header_version: str
    header_length: int
    field_control: str
    manufacturer_code: str = Field(description="4 hex digits, as a CPL manufacturer_id")
    image_type: str
    image_type_name: str
    file_version: str = Field(description="8 hex digits, as a CPL firmware_version")
    stack_version: str
    stack_version_name: str | None
    header_string: str
    total_image_size: int
    security_credential_version: str | None
    security_credential_version_name: str | None
    upgrade_file_destination: str | None
    minimum_hardware_version: str | None
    maximum_hardware_version: str | None


class SubElementShape(Shape):
    """One ZigBee OTA sub-element: its tag (4 hex digits), what the tag means, its length."""

    tag: str
    name: str
    length: int


class ImageLayout(Shape):
    """Where the Upgrade Image sits in the file and how big each part is."""

    framing: str = Field(description="gbcs (directly after the header) or sub_element")
    file_size: int
    upgrade_image_offset: int
    upgrade_image_size: int
    manufacturer_image_size: int
    sub_elements: list[SubElementShape]


class MatchProblem(Shape):
    """A CPL column on which the image and the entry disagree, with both values."""

    field: str = Field(description="manufacturer_id or firmware_version")
    image: str
    cpl: str


class ImageEntry(Step):
    """A CPL entry an image is (or is close to)."""

    status: str
    manufacturer_id: str
    manufacturer_name: str | None
    model_id: str
    model_name: str | None
    hardware_version: str


class ImageMatchShape(Shape):
    """The image against the CPL."""

    status: str = Field(description="match, mismatch or no_match")
    cpl_entry_id: str | None
    problems: list[MatchProblem]
    entry: ImageEntry | None
    also_matching: list[str]
    same_version: list[ImageEntry] = Field(
        description="no_match: the entries of the image's manufacturer and firmware version"
    )
    summary: str


class ImageNextStep(Shape):
    """For a meter on `from`: is this image its next step, and if not which image is."""

    from_: str = Field(alias="from")
    is_next_step: bool
    path_status: str
    path_to: str | None
    steps: list[Step]
    next_image: Step | None
    reason: str


class ImageCheckAnswer(Shape):
    """An OTA image checked against the CPL (DESIGN section 9)."""

    header: OtaHeaderFields
    manufacturer_image_hash: str = Field(description="SHA-256 of the Manufacturer Image")
    image: ImageLayout
    match: ImageMatchShape
    warnings: list[str]
    next_step: ImageNextStep | None
    safe_to_send: bool
    contact: str | None = Field(description="whom to ask at `contact_manufacturer_id`")
    contact_manufacturer_id: str = Field(
        description="the manufacturer asked: the meter's (given `from`), else the image's "
        "entry's, else the header's manufacturer code"
    )
