"""`firpath demo`: the realistic demo CPL, loaded or written to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from firpath.cli.context import cli_actor, settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.io.formats import ExportFormat
from firpath.samples.catalogue import DEMO_ENTRIES, demo_catalogue


@handles_errors()
def demo(
    ctx: typer.Context,
    entries: Annotated[
        int, typer.Option("--entries", metavar="N", min=50, help="How many entries.")
    ] = (DEMO_ENTRIES),
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Same seed, same CPL.")] = 231,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write a CPL file instead of loading."),
    ] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", metavar="FORMAT", help="csv, xlsx or json")
    ] = "csv",
    ota_images: Annotated[
        Path | None,
        typer.Option(
            "--ota-images",
            metavar="DIR",
            help="Also write sample OTA image files of demo entries here (to try verify-image).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Load the demo CPL into the database (initialising it), or write it to a file."""
    from firpath.io.cpl_file import render_cpl
    from firpath.io.files import write_file
    from firpath.services.demo import load_demo

    if ota_images is not None:
        _write_images(ota_images, entries, seed)
    if out_file is not None:
        catalogue = demo_catalogue(entries, seed)
        write_file(out_file, render_cpl(catalogue.entries, fmt))
        out.print(f"wrote {len(catalogue.entries)} demo entries to {escape(str(out_file))}")
        return
    loaded = load_demo(settings(ctx).engine(create=True), entries, seed, actor=cli_actor())
    if as_json:
        print_json({"database": settings(ctx).url, "entries": loaded})
        return
    out.print(f"database ready, {loaded} demo entries loaded ({escape(settings(ctx).url)})")


def _write_images(folder: Path, entries: int, seed: int) -> None:
    for name, about in write_demo_images(folder, entries, seed):
        out.print(f"wrote {escape(str(folder / name))}: {escape(about)}")


def write_demo_images(folder: Path, entries: int, seed: int) -> list[tuple[str, str]]:
    """Sample OTA files of the demo CPL written to `folder`: (file name, what a check says)."""
    from firpath.io.files import write_file
    from firpath.samples.ota_files import demo_images

    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, str]] = []
    for sample in demo_images(demo_catalogue(entries, seed).entries, seed):
        write_file(folder / sample.name, sample.content)
        written.append((sample.name, sample.about))
    return written
