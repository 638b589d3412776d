"""Short, stable hashes of plain data: page signatures, input stamps, cache keys."""

from __future__ import annotations

import hashlib


def fingerprint(*parts: object) -> str:
    """A short, stable hash of plain data (reprs of strings, numbers, dates, frozen views)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def text_fingerprint(text: str) -> str:
    """The same for one long text, without the cost of repr's escaping."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
