"""Is this image the one to send to a meter now? The next step of the path from the entry the
meter runs to the image's entry, and if not, which image is."""

from __future__ import annotations

from dataclasses import dataclass

from firpath.domain.entry import CplEntry
from firpath.domain.path_explanation import entry_label, explain, version_label
from firpath.domain.upgrade_graph import ModelGraph, PathResult, PathStatus


@dataclass(frozen=True, slots=True)
class NextStep:
    """For a meter on `source`: whether the image is its next step, the path considered, and
    the image to send instead (None when no image can be sent)."""

    source: CplEntry
    is_next_step: bool
    path: PathResult  # to the image's entry, or to the latest when the image is not usable
    next_entry: CplEntry | None
    reason: str


def _towards_latest(
    source: CplEntry, graph: ModelGraph, why: str, explained: PathResult | None = None
) -> NextStep:
    """The image is not for this meter: say what the meter's next image towards its latest is
    (unless `explained`, the path already explained, is that same question)."""
    path = graph.plan_to_latest(source.cpl_entry_id)
    first = path.steps[0] if path.status is PathStatus.OK else None
    if explained is not None and path.target == explained.target and first is None:
        return NextStep(source, False, explained, None, why)
    if first is not None:
        advice = (
            f" The next image for this meter is {entry_label(first)} (hash "
            f"{first.manufacturer_image_hash}), step 1 of {len(path.steps)} towards the latest "
            f"version {version_label(path.steps[-1])}."
        )
    elif path.status is PathStatus.UP_TO_DATE:
        advice = " The meter already runs the latest version of its device model."
    else:
        advice = " Towards the latest version: " + explain(path, graph)
    return NextStep(source, False, path, first, why + advice)


def next_step(
    source: CplEntry,
    image_entry: CplEntry | None,
    graph: ModelGraph,
    not_usable: str = "This image is not a CPL entry's image.",
) -> NextStep:
    """Whether the image (its CPL entry, or None when it is not usable: `not_usable` says
    why) is the next image to send to a meter on `source`; `graph` is the source's device
    model's upgrade graph. An image after which the meter could go no further (no path to the
    latest version) is not a next step when another route exists."""
    if image_entry is None:
        return _towards_latest(source, graph, not_usable)
    if image_entry.device_model != source.device_model:
        return _towards_latest(
            source,
            graph,
            f"This image is {image_entry.cpl_entry_id}, for device model "
            f"{image_entry.device_model}; the meter is device model {source.device_model}: "
            "firmware never changes hardware.",
        )
    if not image_entry.is_active:
        return _towards_latest(
            source,
            graph,
            f"This image is {entry_label(image_entry)}, removed from the CPL: it is never "
            "installed.",
        )
    path = graph.plan_path(source.cpl_entry_id, image_entry.cpl_entry_id)
    if path.status is PathStatus.UP_TO_DATE:
        return NextStep(
            source, False, path, None, f"The meter already runs {entry_label(image_entry)}."
        )
    if path.status is not PathStatus.OK and source.firmware_number >= image_entry.firmware_number:
        return _towards_latest(
            source,
            graph,
            f"The meter runs {entry_label(source)}, already at or past this image's version "
            f"{version_label(image_entry)}: firmware is never taken back over the air, so this "
            "image is not for it.",
        )
    if path.status is PathStatus.OK:
        first = path.steps[0]
        onward = graph.plan_to_latest(image_entry.cpl_entry_id).status
        if (
            first.cpl_entry_id == image_entry.cpl_entry_id
            and onward is PathStatus.NO_PATH
            and graph.plan_to_latest(source.cpl_entry_id).status is PathStatus.OK
        ):
            dead_end = (
                f"{entry_label(image_entry)} may be installed directly on {entry_label(source)}, "
                "but a meter on it could go no further over the air (no path from it to the "
                "latest version): do not send it."
            )
            return _towards_latest(source, graph, dead_end)
        if first.cpl_entry_id == image_entry.cpl_entry_id:
            return NextStep(
                source,
                True,
                path,
                first,
                f"{entry_label(image_entry)} may be installed directly on "
                f"{entry_label(source)}: this image is the next step."
                + (
                    " Note: the CPL does not yet say which firmware may follow it (upgrade-from "
                    "data not provided), so where the meter goes after it is not known."
                    if onward is PathStatus.INCOMPLETE_DATA
                    else ""
                ),
            )
        return NextStep(
            source,
            False,
            path,
            first,
            f"Not yet: {entry_label(source)} cannot take {entry_label(image_entry)} directly. "
            f"Send {entry_label(first)} first (hash {first.manufacturer_image_hash}); this "
            f"image is step {len(path.steps)} of {len(path.steps)}.",
        )
    return _towards_latest(
        source, graph, f"This image cannot be sent to this meter. {explain(path, graph)}", path
    )
