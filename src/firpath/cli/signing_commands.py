"""`firpath keys create` and `firpath verify-export`: signing keys and checking a signed export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.error_codes import EXIT_NO_MATCH

if TYPE_CHECKING:  # loaded by the commands, not at start-up
    from firpath.domain.export_manifest import ExportManifest

keys_app = typer.Typer(help="Signing keys for exports: create.", no_args_is_help=True)


@keys_app.command("create")
@handles_errors()
def create(
    key: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="KEY",
            help="The private key file to write (mode 0600); the public key goes to KEY.pub.",
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Make a new Ed25519 key pair for signing exports (never overwrites a file)."""
    from firpath.io.signing_keys import create_key_pair

    made = create_key_pair(key)
    if as_json:
        print_json(
            {
                "private_key": str(made.private),
                "public_key": str(made.public),
                "key_id": made.key_id,
            }
        )
        return
    private, public = escape(str(made.private)), escape(str(made.public))
    out.print(f"private key: {private} (only you can read it: keep it secret)")
    out.print(f"public key:  {public}")
    out.print(f"key id:      {made.key_id}")
    out.print(
        f"next: give {private} to `firpath export --sign {private}` or "
        f"`firpath serve --signing-key {private}`; publish {public} so others can run "
        "`firpath verify-export`"
    )


@handles_errors()
def verify_export(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The exported file to check.")],
    public_key: Annotated[
        Path,
        typer.Option(
            "--public-key", metavar="PUB", help="The publisher's public key (KEY.pub, PEM)."
        ),
    ],
    signature: Annotated[
        Path | None,
        typer.Option("--signature", metavar="SIG", help="The signature file (default: FILE.sig)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a FIR export against its signature: exit 0 only if untampered and signed by PUB."""
    from firpath.io.signed_files import signature_path
    from firpath.services.signed_export import verify_export as check

    sig = signature or signature_path(file)
    found = check(file, public_key, sig)
    if as_json:
        print_json(found.as_dict())
    elif found.verified:
        out.print(
            f"verified: {escape(str(file))} is the export signed by key {found.key_id}, unchanged"
        )
        _show(found.manifest)
    else:
        out.print(f"NOT VERIFIED: {escape(str(file))} against {escape(str(sig))}")
        for problem in found.problems:
            out.print(f"  - {escape(problem)}")
        out.print("what the signature file says (not to be trusted):")
        _show(found.manifest)
    if not found.verified:
        raise typer.Exit(EXIT_NO_MATCH)


def _show(manifest: ExportManifest) -> None:
    out.print(f"  format:            {manifest.format.upper()}")
    out.print(f"  entries:           {manifest.entry_count:,}")
    out.print(f"  registry revision: {manifest.registry_revision}")
    out.print(f"  exported:          {escape(manifest.exported_at)} (UTC)")
    out.print(f"  key id:            {escape(manifest.key_id)}")
    out.print(f"  signed as file:    {escape(manifest.file)}")
    out.print(f"  SHA-256:           {manifest.sha256}")
