"""Custom points as compact URL text, so a link can carry them and reproduce a run exactly.

The text decodes to exactly the same float64 points, in the same order (the order is part of
the run: training samples points by index). Points with few decimals (drawn on the canvas, or a
CSV such as "1.25,-0.5") are stored as integers at the fewest decimals that reproduce every
value exactly, each point as its difference from the one before (neighbours of a stroke are
close), as zigzag varints; other points as raw float64. Either is zlib-compressed and written in
URL-safe base64 without padding, after a two-character header: "a" (the format) and the number
of decimals, or "f" for raw floats.

What fits under MAX_LINK_CHARS depends on the points (README, "Your own data"): decoding is
bounded too (compressed size, decompressed size, point count), so a crafted link cannot make
the server allocate more than a CSV upload could.
"""

from __future__ import annotations

import base64
import binascii
import zlib

import numpy as np

from .config import MAX_CUSTOM_POINTS

FORMAT = "a"
MAX_DECIMALS = 6
# A link's length limit: Streamlit's web server (Tornado) refuses request headers over 64 KiB,
# and a link is pasted into chats and forums, so stay well below: 24,000 characters.
MAX_LINK_CHARS = 24_000
_MAX_BYTES = MAX_CUSTOM_POINTS * 2 * 10  # a varint of a 64-bit integer takes at most 10 bytes
_INT_LIMIT = 2**52  # integers this large still convert to float64 exactly


def _decimals(values: np.ndarray) -> int | None:
    """The fewest decimals d <= MAX_DECIMALS with round(v * 10**d) / 10**d == v for every v."""
    for d in range(MAX_DECIMALS + 1):
        scaled = np.round(values * 10.0**d)
        if np.all(np.abs(scaled) < _INT_LIMIT) and np.array_equal(scaled / 10.0**d, values):
            return d
    return None


def _varints(values: np.ndarray) -> bytes:
    zigzag = [(v << 1) if v >= 0 else ((-v << 1) - 1) for v in values.tolist()]
    out = bytearray()
    for z in zigzag:
        while z >= 0x80:
            out.append((z & 0x7F) | 0x80)
            z >>= 7
        out.append(z)
    return bytes(out)


def _from_varints(data: bytes) -> list[int]:
    values, z, shift = [], 0, 0
    for byte in data:
        z |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            values.append((z >> 1) if not z & 1 else -((z + 1) >> 1))
            z, shift = 0, 0
        elif shift > 70:
            raise ValueError("a number in the points is too long")
    if shift:
        raise ValueError("the points end in the middle of a number")
    return values


def encode_points(points) -> str:
    """Compact URL-safe text for (n, 2) finite points; `decode_points` returns them exactly."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if not np.all(np.isfinite(p)):
        raise ValueError("points must be finite")
    d = _decimals(p.ravel())
    if d is None:
        header, raw = "f", p.astype("<f8").tobytes()
    else:
        ints = np.round(p * 10.0**d).astype(np.int64)
        deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), np.int64))
        header, raw = str(d), _varints(deltas.ravel())
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")
    return FORMAT + header + packed


def decode_points(text: str) -> tuple[tuple[float, float], ...]:
    """The points `encode_points` wrote. Raises ValueError for text it did not write, and for
    more than MAX_LINK_CHARS characters or MAX_CUSTOM_POINTS points."""
    if len(text) > MAX_LINK_CHARS:
        raise ValueError(f"{len(text):,} characters, at most {MAX_LINK_CHARS:,}")
    if len(text) < 3 or text[0] != FORMAT or text[1] not in "f0123456":
        raise ValueError("not points written by this app")
    try:
        packed = base64.urlsafe_b64decode(text[2:] + "=" * (-len(text[2:]) % 4))
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, _MAX_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError):
        raise ValueError("the points are damaged (was the link cut short?)") from None
    if len(raw) > _MAX_BYTES or inflate.unconsumed_tail or not inflate.eof:
        raise ValueError("the points are damaged or too many")
    if text[1] == "f":
        if len(raw) % 16:
            raise ValueError("the points are damaged (was the link cut short?)")
        p = np.frombuffer(raw, dtype="<f8").reshape(-1, 2)
    else:
        values = _from_varints(raw)
        if len(values) % 2 or any(abs(v) >= _INT_LIMIT for v in values):
            raise ValueError("the points are damaged (was the link cut short?)")
        ints = np.cumsum(np.array(values, dtype=np.int64).reshape(-1, 2), axis=0)
        if np.any(np.abs(ints) >= _INT_LIMIT):
            raise ValueError("the points are damaged")
        p = ints / 10.0 ** int(text[1])
    if len(p) > MAX_CUSTOM_POINTS:
        raise ValueError(f"{len(p):,} points, at most {MAX_CUSTOM_POINTS:,}")
    if not np.all(np.isfinite(p)):
        raise ValueError("the points are not finite")
    return tuple((float(x), float(y)) for x, y in p)


def fits_in_link(points) -> str | None:
    """The points' link text, or None when it is longer than MAX_LINK_CHARS."""
    text = encode_points(points)
    return text if len(text) <= MAX_LINK_CHARS else None
