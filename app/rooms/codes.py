"""Join codes and teacher tokens.

A code is room_code_length characters drawn with `secrets` from room_code_alphabet, which leaves out the
characters read one for another (0/O, 1/I/L): 31⁶ ≈ 8.9·10⁸ codes. What a student types is read
case-insensitively, with spaces and dashes ignored. A teacher token is 128 random bits; only its SHA-256 is
kept (and written to the state file), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.config import Settings

TOKEN_BYTES = 16  # 128 bits


class BadCode(ValueError):
    """Text that cannot be a join code (wrong length or characters); the message says what a code is."""


def new_code(settings: Settings, taken: set[str] | dict[str, object]) -> str:
    """A fresh random code not in `taken` (open rooms and codes still in quarantine)."""
    alphabet, length = settings.room_code_alphabet, settings.room_code_length
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(length))
        if code not in taken:
            return code


def normalize(text: str, settings: Settings) -> str:
    """The code `text` spells (upper case, spaces and dashes dropped); BadCode naming the rule otherwise."""
    code = text.strip().upper().replace("-", "").replace(" ", "")
    alphabet, length = settings.room_code_alphabet, settings.room_code_length
    if len(code) != length or any(ch not in alphabet for ch in code):
        raise BadCode(
            f"code {text[:20]!r} is not a room code: a code is {length} characters from {alphabet} "
            "(no 0, O, 1, I or L)"
        )
    return code


def new_token() -> str:
    """A teacher token: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, hex (what is kept)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str | None, stored_hash: str) -> bool:
    """Whether `token` is the one whose hash is `stored_hash` (constant time)."""
    if not token:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)
