"""Ed25519 key files (PEM) and signatures, with `cryptography`: a key pair made without the
private key ever being readable by others, keys read with one clear error per bad file."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firpath.domain.errors import UnreadableFile, UnwritableFile
from firpath.domain.export_manifest import key_id

MAX_KEY_BYTES: Final = 64 * 1024  # a PEM key is a few hundred bytes
PRIVATE_MODE: Final = 0o600
PUBLIC_MODE: Final = 0o644
_PUBLIC_PEM: Final = b"-----BEGIN PUBLIC KEY-----"
_PRIVATE_PEM: Final = b"PRIVATE KEY-----"


@dataclass(frozen=True, slots=True)
class VerifyKey:
    """A public key: checks signatures."""

    key: Ed25519PublicKey

    @property
    def key_id(self) -> str:
        """The key's short name (first 16 hex of the SHA-256 of the raw key)."""
        return key_id(self.key.public_bytes_raw())

    def pem(self) -> str:
        """The key as PEM (SubjectPublicKeyInfo)."""
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def verifies(self, signature: bytes, data: bytes) -> bool:
        """Whether `signature` is this key's signature over `data`."""
        try:
            self.key.verify(signature, data)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key: makes signatures."""

    key: Ed25519PrivateKey

    @property
    def public(self) -> VerifyKey:
        """The matching public key."""
        return VerifyKey(self.key.public_key())

    def sign(self, data: bytes) -> bytes:
        """The Ed25519 signature over `data` (64 bytes)."""
        return self.key.sign(data)


@dataclass(frozen=True, slots=True)
class KeyFiles:
    """Where a new key pair was written."""

    private: Path
    public: Path
    key_id: str


def public_key_path(private: Path) -> Path:
    """Where the public key of the private key file `private` goes: beside it, `.pub` added."""
    return private.with_name(private.name + ".pub")


def create_key_pair(private: Path) -> KeyFiles:
    """Write a new Ed25519 key pair: the private key to `private` (PKCS8 PEM, mode 0600 from
    the moment it exists), the public key to `private.pub`; an existing file is never
    overwritten."""
    public = public_key_path(private)
    for path in (private, public):
        if path.exists() or path.is_symlink():
            raise UnwritableFile(
                f"{path} exists: a key is never overwritten; choose another --out name"
            )
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_key = VerifyKey(key.public_key())
    _create(private, private_pem, PRIVATE_MODE)
    try:
        _create(public, public_key.pem().encode("ascii"), PUBLIC_MODE)
    except BaseException:
        with contextlib.suppress(OSError):  # no half pair left behind
            private.unlink()
        raise
    return KeyFiles(private, public, public_key.key_id)


def _create(path: Path, content: bytes, mode: int) -> None:
    """Write a new file created with `mode` (never a moment with wider permissions)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        raise UnwritableFile(
            f"{path} exists: a key is never overwritten; choose another --out name"
        ) from None
    except OSError as err:
        raise UnwritableFile(f"{path}: cannot be written ({err.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
    except OSError as err:
        with contextlib.suppress(OSError):
            path.unlink()
        raise UnwritableFile(f"{path}: cannot be written ({err.strerror})") from None


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as file:
            content = file.read(MAX_KEY_BYTES + 1)
    except FileNotFoundError:
        raise UnreadableFile(f"{what} {path}: no such file") from None
    except OSError as err:
        raise UnreadableFile(f"{what} {path}: cannot be read ({err.strerror})") from None
    if len(content) > MAX_KEY_BYTES:
        raise UnreadableFile(f"{what} {path}: too large for a key file (not a PEM key)")
    return content


def load_signing_key(path: Path) -> SigningKey:
    """The Ed25519 private key in the PEM file `path`, or UnreadableFile naming the file and
    what is wrong with it."""
    what = "signing key"
    content = _read_key_file(path, what)
    if _PUBLIC_PEM in content:
        raise UnreadableFile(
            f"{what} {path}: is a public key; give the private key file "
            "(made by `firpath keys create`, not its .pub)"
        )
    if _PRIVATE_PEM not in content:
        raise UnreadableFile(
            f"{what} {path}: is not a PEM private key (make one with `firpath keys create`)"
        )
    try:
        key = serialization.load_pem_private_key(content, password=None)
    except TypeError:
        raise UnreadableFile(
            f"{what} {path}: is protected by a password; firpath needs an unencrypted "
            "PKCS8 key (keep it safe with file permissions)"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise UnreadableFile(f"{what} {path}: is not a readable PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UnreadableFile(
            f"{what} {path}: is {_kind(key)} key, not Ed25519 (make one with `firpath keys create`)"
        )
    return SigningKey(key)


def exposed_key_warning(path: Path) -> str | None:
    """A warning when the private key file `path` may be read by others than its owner (its
    group or everyone): anyone who reads it can sign exports as the publisher."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & 0o077 == 0:
        return None
    return (
        f"signing key {path} may be read by others (permissions {mode & 0o777:03o}): anyone "
        f"who reads it can sign exports as you; make it private: chmod 600 {path}"
    )


def load_verify_key(path: Path) -> VerifyKey:
    """The Ed25519 public key in the PEM file `path`, or UnreadableFile naming the file and
    what is wrong with it."""
    what = "public key"
    content = _read_key_file(path, what)
    if _PRIVATE_PEM in content:
        raise UnreadableFile(
            f"{what} {path}: is a private key; give the public key (the .pub file beside it)"
        )
    if _PUBLIC_PEM not in content:
        raise UnreadableFile(f"{what} {path}: is not a PEM public key (the KEY.pub file)")
    try:
        key = serialization.load_pem_public_key(content)
    except (ValueError, UnsupportedAlgorithm):
        raise UnreadableFile(f"{what} {path}: is not a readable PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UnreadableFile(f"{what} {path}: is {_kind(key)} key, not Ed25519")
    return VerifyKey(key)


_KINDS: Final[tuple[tuple[tuple[type, ...], str], ...]] = (
    ((rsa.RSAPrivateKey, rsa.RSAPublicKey), "an RSA"),
    ((ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey), "an elliptic-curve (ECDSA)"),
    ((dsa.DSAPrivateKey, dsa.DSAPublicKey), "a DSA"),
    ((ed448.Ed448PrivateKey, ed448.Ed448PublicKey), "an Ed448"),
)


def _kind(key: object) -> str:
    for types, kind in _KINDS:
        if isinstance(key, types):
            return kind
    return "another kind of"
