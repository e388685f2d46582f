"""`/completeness`: the back-fill tracker — how many in-scope entries state each of the four
new fields, per manufacturer or device type, worst first — and each manufacturer's chase
list, the same file `firpath chase-list` writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from firpath.api.auth import Caller
from firpath.api.downloads import attachment
from firpath.domain.account import Permission
from firpath.domain.completeness import CompletenessGroup, Grouping, Tally, percent
from firpath.domain.entry import NEW_FIELDS
from firpath.domain.errors import FieldInvalid
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.values import IN_SCOPE_DEVICE_TYPES, DeviceType
from firpath.io.chase_list_file import ChaseListFormat
from firpath.io.columns import LABELS
from firpath.web.auth import page
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[Caller, Depends(page(Permission.READ, "see back-fill progress"))]

_GROUPINGS: Final = {
    "manufacturer": Grouping.MANUFACTURER,
    "device_type": Grouping.DEVICE_TYPE,
    "device-type": Grouping.DEVICE_TYPE,
}
CHASE_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEVICE_TYPE_NAMES: Final = {
    DeviceType.ESME: "Electricity meter",
    DeviceType.GSME: "Gas meter",
    DeviceType.CH: "Communications Hub",
    DeviceType.PPMID: "Prepayment meter interface",
    DeviceType.HCALCS: "Load control switch",
    DeviceType.SAPC: "Auxiliary proportional controller",
}
# the table's column headings (the chart names the fields in full)
FIELD_HEADINGS: Final = {
    "upgrade_from": "Upgrade from",
    "zigbee_chipset_vendor": "Chipset vendor",
    "zigbee_stack_version": "Stack version",
    "zigbee_band": "Band join option",
}
OUT_OF_SCOPE: Final = ", ".join(t.value for t in DeviceType if t not in IN_SCOPE_DEVICE_TYPES)


@dataclass(frozen=True, slots=True)
class Share:
    """A count of entries and its share as people read it."""

    count: int
    text: str
    value: float  # 0..100, for a bar


def _share(count: int, entries: int) -> Share:
    return Share(count, percent(count, entries), 100 * count / entries if entries else 0.0)


@dataclass(frozen=True, slots=True)
class Row:
    """One group of the table: what it is, its counts, and (a manufacturer) whom to ask."""

    key: str
    label: str
    entries: int
    fields: tuple[Share, ...]  # in NEW_FIELDS order
    complete: Share
    manufacturer: Manufacturer | None = None


def _row(key: str, label: str, tally: Tally, m: Manufacturer | None = None) -> Row:
    return Row(
        key,
        label,
        tally.entries,
        tuple(_share(tally.count(f), tally.entries) for f in NEW_FIELDS),
        _share(tally.complete, tally.entries),
        m,
    )


def _group_row(group: CompletenessGroup, by: Grouping, known: dict[str, Manufacturer]) -> Row:
    if by is Grouping.DEVICE_TYPE:
        name = DEVICE_TYPE_NAMES.get(DeviceType(group.key), "")
        return _row(group.key, f"{name} ({group.key})" if name else group.key, group.tally)
    m = known.get(group.key) or Manufacturer(group.key)
    label = m.manufacturer_name or f"manufacturer {group.key}"
    return _row(group.key, label, group.tally, m)


def parse_grouping(raw: str) -> Grouping:
    """`manufacturer` or `device_type` (also `device-type`), case and spaces ignored."""
    found = _GROUPINGS.get(raw.strip().lower())
    if found is None:
        raise FieldInvalid("by", raw, "must be manufacturer or device_type")
    return found


def _bar(label: str, share: Share, entries: int) -> dict[str, Any]:
    """A bar of the chart macro: the share, written as percent and count of entries."""
    return {
        "label": label,
        "value": share.value,
        "text": f"{share.text} ({share.count:,}/{entries:,})",
    }


@router.get("/completeness")
def completeness_page(request: Request, caller: Reader) -> Response:
    from firpath.services.backfill import completeness

    by = parse_grouping(request.query_params.get("by", "manufacturer"))
    report = completeness(caller.warm.engine, by)
    done = report.completeness
    rows = [_group_row(g, by, report.manufacturers) for g in done.worst_first()]
    total = _row("all", "All in-scope entries", done.total)
    fields = [
        _bar(LABELS[f], share, total.entries)
        for f, share in zip(NEW_FIELDS, total.fields, strict=True)
    ]
    fields.append(_bar("All four fields", total.complete, total.entries))
    groups = [
        _bar(r.key if by is Grouping.DEVICE_TYPE else r.label, r.complete, r.entries) for r in rows
    ]
    return render(
        request,
        caller,
        "completeness.html",
        title="Back-fill progress",
        by=by.value.replace("-", "_"),
        by_manufacturer=by is Grouping.MANUFACTURER,
        rows=rows,
        total=total,
        field_labels=[FIELD_HEADINGS[f] for f in NEW_FIELDS],
        field_chart=fields,
        group_chart=groups,
        out_of_scope=done.out_of_scope,
        out_of_scope_types=OUT_OF_SCOPE,
    )


def chase_list_format(raw: str) -> ChaseListFormat:
    """`csv` or `xlsx` (the formats `firpath chase-list` writes)."""
    fmt = raw.strip().lower()
    if fmt == "csv":
        return "csv"
    if fmt == "xlsx":
        return "xlsx"
    raise FieldInvalid("format", raw, "a chase list downloads as csv or xlsx")


@router.get("/completeness/chase-list/{manufacturer_id}")
def chase_list_download(request: Request, caller: Reader, manufacturer_id: str) -> Response:
    """The manufacturer's chase list as `firpath chase-list --out FILE.csv|FILE.xlsx` writes it."""
    from firpath.io.chase_list_file import render_chase_list
    from firpath.services.backfill import chase_list

    fmt = chase_list_format(request.query_params.get("format", "csv"))
    chase = chase_list(caller.warm.engine, manufacturer_id)
    content = render_chase_list(
        chase.entries, fmt, heading=chase.heading, references=chase.references
    )
    name = f"chase-list-{chase.manufacturer.manufacturer_id}.{fmt}"
    return Response(
        content,
        media_type=CHASE_TYPES[fmt],
        headers={
            "Content-Disposition": attachment(name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
