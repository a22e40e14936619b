"""The replay as an animated GIF, drawn with numpy and Pillow from Snapshots (no browser, no
plotly), for slides and forum posts; the interactive HTML version is figures/animation.py.

Each frame is the landscape (D's output as the background, coloured as the live view colours it;
real points green, generated points purple) under a header with the step, the losses at that
step and the verdict as it read then.
Size bound (tested): at most MAX_FRAMES frames of at most FRAME_SIZE pixels a side, palette
images, under MAX_GIF_BYTES. Pillow is imported when a GIF is made: the engine itself needs only
torch and numpy.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from . import metrics
from .catalog import LOSSES
from .records import History, Snapshot

MAX_FRAMES = 60
FRAME_SIZE = 360  # pixels of the landscape, a side (the header adds HEADER_PX)
HEADER_PX = 44
PANEL_SIZE = 240  # pixels a side of each panel of a comparison GIF
MAX_GIF_BYTES = 3 * 1024 * 1024
FRAME_MS = 150  # 60 frames: a 9 s loop
# D(x): purple where D says fake, white at 1/2, green where it says real (the live view's)
_FAKE_RGB, _MID_RGB, _REAL_RGB = (153, 112, 171), (247, 247, 247), (90, 174, 97)
REAL_POINT, FAKE_POINT = (27, 158, 119), (123, 50, 148)


@dataclass(frozen=True)
class FrameText:
    step: int
    d_loss: float
    g_loss: float
    verdict: str  # the label as it read at this step

    def line(self) -> str:
        def num(v: float) -> str:  # no loss before the first step
            return f"{v:.3f}" if np.isfinite(v) else "–"

        return (f"step {self.step:,}   D loss {num(self.d_loss)}   G loss {num(self.g_loss)}   "
                f"{self.verdict.replace('_', ' ')}")


def spread_frames(items: list, limit: int = MAX_FRAMES) -> list:
    """At most `limit` items spread evenly over the list, the first and the last kept."""
    if len(items) <= limit:
        return list(items)
    idx = np.unique(np.round(np.linspace(0, len(items) - 1, limit)).astype(int))
    return [items[i] for i in idx]


def verdict_at(history: History, n_modes: int, step: int, diverged_at: int | None) -> str:
    """The verdict's label as it read at `step`: from the evaluations up to that step."""
    if diverged_at is not None and step >= diverged_at:
        return "diverged"
    evals = history.evals
    keep = evals["step"] <= step
    counts = history.mode_counts
    counts = counts[: int(keep.sum())] if len(counts) else counts
    return metrics.verdict({k: v[keep] for k, v in evals.items()}, counts, n_modes, None).label


def frame_text(history: History, n_modes: int, step: int, diverged_at: int | None) -> FrameText:
    """The header of the frame at `step`: its losses (NaN before the first step) and verdict."""
    steps = history.steps
    at = np.searchsorted(steps["step"], step)
    found = at < len(steps["step"]) and steps["step"][at] == step
    d_loss = float(steps["d_loss"][at]) if found else float("nan")
    g_loss = float(steps["g_loss"][at]) if found else float("nan")
    return FrameText(step, d_loss, g_loss, verdict_at(history, n_modes, step, diverged_at))


def shown_range(snap: Snapshot, half_width: float | None = None) -> tuple[float, float, float]:
    """(lo, hi, mid) of the colours for D's shown output, one definition for the live view,
    the duel and the GIF (figures.live.d_scale adds the words): the loss's fixed range
    (catalog.Output), or for a critic, whose level is arbitrary, centred halfway between its
    mean score on the real and the fake probe points and `half_width` wide on each side (by
    default `critic_half_width`)."""
    out = LOSSES[snap.loss].output
    if out.lo is not None:
        return out.lo, out.hi, (out.mid if out.mid is not None else (out.lo + out.hi) / 2)
    mid = _critic_centre(snap)
    half = critic_half_width(snap) if half_width is None else half_width
    return mid - half, mid + half, mid


def _critic_centre(snap: Snapshot) -> float:
    real = np.nanmean(snap.d_real_raw) if snap.d_real_raw is not None else np.nan
    centre = (float(real) + float(np.nanmean(snap.d_fake_raw))) / 2
    return centre if np.isfinite(centre) else 0.0


def critic_half_width(snap: Snapshot) -> float:
    """Half the colour range a critic's landscape needs: 95% of its grid within it."""
    dev = np.abs(np.asarray(snap.d_grid, dtype=np.float64) - _critic_centre(snap))
    dev = dev[np.isfinite(dev)]
    half = float(np.quantile(dev, 0.95)) if len(dev) else 0.0
    return half if half > 1e-6 else 1.0


def _d_background(snap: Snapshot, size: int) -> np.ndarray:
    """(size, size, 3) uint8: D's shown output on the grid (rows along y, upwards) as colours,
    purple below the decision value, white at it, green above; nearest-neighbour upsampled."""
    lo, hi, mid = shown_range(snap)
    d = np.nan_to_num(np.asarray(snap.d_grid, dtype=np.float64), nan=mid)
    n = d.shape[0]
    idx = np.minimum((np.arange(size) * n) // size, n - 1)
    d = d[idx][:, idx][::-1]  # image rows go downwards
    below = np.clip((mid - d) / max(mid - lo, 1e-12), 0, 1)[..., None]
    above = np.clip((d - mid) / max(hi - mid, 1e-12), 0, 1)[..., None]
    rgb = below * _FAKE_RGB + (1 - below - above) * _MID_RGB + above * _REAL_RGB
    return rgb.astype(np.uint8)


def _dots(img: np.ndarray, points: np.ndarray, bounds, color, radius: int = 1) -> None:
    """Square dots of (2 radius + 1) pixels at `points` (data coordinates), in place."""
    size = img.shape[0]
    x0, x1, y0, y1 = bounds
    p = np.asarray(points, dtype=np.float64)
    p = p[np.all(np.isfinite(p), axis=1)]
    col = np.round((p[:, 0] - x0) / (x1 - x0) * (size - 1)).astype(int)
    row = np.round((y1 - p[:, 1]) / (y1 - y0) * (size - 1)).astype(int)
    for dr in range(-radius, radius + 1):
        for dc in range(-radius, radius + 1):
            r, c = row + dr, col + dc
            ok = (r >= 0) & (r < size) & (c >= 0) & (c < size)
            img[r[ok], c[ok]] = color


def landscape_pixels(snap: Snapshot | None, bounds, size: int, *, real: np.ndarray | None = None,
                     fake: np.ndarray | None = None) -> np.ndarray:
    """(size, size, 3) uint8: D(x) (white without a snapshot), real and generated points."""
    if snap is not None:
        img = _d_background(snap, size)
        real = snap.x_real if real is None else real
        fake = snap.x_fake if fake is None else fake
    else:
        img = np.full((size, size, 3), 255, np.uint8)
    if real is not None:
        _dots(img, real, bounds, REAL_POINT, radius=1)
    if fake is not None:
        _dots(img, fake, bounds, FAKE_POINT, radius=1)
    return img


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size)


# Pillow's built-in font has Latin letters only: the few other signs the labels use, spelled out
_SPELLED = {"γ": "gamma", "✓": "(converged)", "–": "-", "−": "-", "×": "x", "σ": "sigma"}


def _plain(text: str) -> str:
    return "".join(_SPELLED.get(c, c) for c in text)


def _with_header(pixels: np.ndarray, lines: list[str]):
    from PIL import Image, ImageDraw

    h, w = pixels.shape[:2]
    img = Image.new("RGB", (w, h + HEADER_PX), "white")
    img.paste(Image.fromarray(pixels), (0, HEADER_PX))
    draw = ImageDraw.Draw(img)
    font = _font(13)
    for i, text in enumerate(lines[:2]):
        draw.text((6, 5 + 18 * i), _plain(text), fill=(30, 30, 30), font=font)
    return img


def _save_gif(images: list) -> bytes:
    out = io.BytesIO()
    # one adaptive palette per frame; the heatmap's smooth shades need no dithering at this size
    frames = [im.quantize(colors=64, dither=0) for im in images]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:],
                   duration=FRAME_MS, loop=0, optimize=True, disposal=1)
    return out.getvalue()


def replay_gif(frames: list[tuple[Snapshot, FrameText]], bounds, title: str) -> bytes:
    """An animated GIF of (snapshot, header) frames, at most MAX_FRAMES of them (spread over
    the run when there are more), FRAME_SIZE pixels a side plus the header."""
    if not frames:
        raise ValueError("no frames to animate")
    images = [_with_header(landscape_pixels(snap, bounds, FRAME_SIZE), [title, text.line()])
              for snap, text in spread_frames(frames)]
    return _save_gif(images)


def panels_gif(frames: list[tuple[int, list[np.ndarray]]], labels: list[str], real: np.ndarray,
               bounds, notes: list[list[str]] | None = None) -> bytes:
    """A comparison GIF: per frame (step, generated points per panel), one panel per label
    with the real points behind; `notes[f][p]` is a short text under panel p's label."""
    if not frames:
        raise ValueError("no frames to animate")
    from PIL import Image, ImageDraw

    picked = spread_frames(list(range(len(frames))))
    n = len(labels)
    font = _font(12)
    images = []
    for f in picked:
        step, fakes = frames[f]
        img = Image.new("RGB", (n * (PANEL_SIZE + 4), PANEL_SIZE + HEADER_PX + 18), "white")
        draw = ImageDraw.Draw(img)
        draw.text((6, 5), f"step {step:,}", fill=(30, 30, 30), font=_font(13))
        for p in range(n):
            x = p * (PANEL_SIZE + 4)
            pixels = landscape_pixels(None, bounds, PANEL_SIZE, real=None, fake=None)
            _dots(pixels, real, bounds, (190, 190, 190), radius=1)
            _dots(pixels, fakes[p], bounds, FAKE_POINT, radius=1)
            img.paste(Image.fromarray(pixels), (x, HEADER_PX))
            draw.rectangle((x, HEADER_PX, x + PANEL_SIZE - 1, HEADER_PX + PANEL_SIZE - 1),
                           outline=(200, 200, 200))
            draw.text((x + 4, 24), _plain(labels[p]), fill=(30, 30, 30), font=font)
            if notes is not None:
                draw.text((x + 4, HEADER_PX + PANEL_SIZE + 2), _plain(notes[f][p]),
                          fill=(30, 30, 30), font=font)
        images.append(img)
    return _save_gif(images)
