"""The duel: two losses (or one loss with and without a penalty) racing from the same start.

Both sides are one `Population` of two members with the same seed, so they start from the same
weights, and, with the same number of D steps, see the same data and noise at every step. A side
is written `loss[+r1=G][+r2=G][+rec]` (`+rec`: the loss's recommended settings, catalog), and a
duel `A|B`, which is how a link holds it (`?duel=nonsaturating|lsgan`). No torch at import: the
UI parses links before anything is trained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import catalog
from .config import TrainConfig

SEP = "|"
DEFAULT = "nonsaturating|lsgan"


@dataclass(frozen=True)
class Side:
    loss: str = "nonsaturating"
    r1_gamma: float = 0.0
    r2_gamma: float = 0.0
    recommended: bool = False

    def text(self) -> str:
        """The side as a link writes it: 'wgan_gp+rec', 'nonsaturating+r1=0.1'."""
        parts = [self.loss]
        parts += [f"{n}={g:g}" for n, g in (("r1", self.r1_gamma), ("r2", self.r2_gamma)) if g]
        return "+".join(parts + (["rec"] if self.recommended else []))

    def label(self) -> str:
        name = catalog.variant_name(self.loss, self.r1_gamma, self.r2_gamma)
        info = catalog.LOSSES[self.loss]
        return name + (f" ({info.recommended_text()})" if self.recommended and info.recommended
                       else "")

    def config(self, base: TrainConfig) -> TrainConfig:
        """`base` (data, networks, seed, learning rates) playing this side's game."""
        changes = catalog.recommended(self.loss) if self.recommended else {}
        return base.replace(**changes, loss=self.loss, r1_gamma=self.r1_gamma,
                            r2_gamma=self.r2_gamma)


def parse_side(text: str) -> Side:
    """'loss[+r1=G][+r2=G][+rec]' -> Side; ValueError saying what is wrong."""
    loss, *options = text.strip().split("+")
    if loss not in catalog.NAMES:
        raise ValueError(f"duel: {loss[:40]!r} is not one of {', '.join(catalog.NAMES)}")
    values = {"loss": loss}
    for option in options:
        name, _, value = option.partition("=")
        if name == "rec" and not value:
            values["recommended"] = True
            continue
        if name not in ("r1", "r2"):
            raise ValueError(f"duel: {option[:40]!r} is not r1=γ, r2=γ or rec")
        try:
            gamma = float(value)
        except ValueError:
            raise ValueError(f"duel: {option[:40]!r} needs a number after =") from None
        if not 0 <= gamma <= 1000 or not math.isfinite(gamma):
            raise ValueError(f"duel: {option[:40]!r} is outside [0, 1000]")
        values[f"{name}_gamma"] = gamma
    return Side(**values)


def parse(text: str) -> tuple[Side, Side]:
    """'A|B' -> two sides; ValueError for anything else."""
    parts = text.split(SEP)
    if len(parts) != 2:
        raise ValueError(f"duel: expected two sides 'A{SEP}B', got {text[:60]!r}")
    a, b = (parse_side(p) for p in parts)
    if a == b:
        raise ValueError("duel: both sides are the same game")
    return a, b


def text(a: Side, b: Side) -> str:
    return a.text() + SEP + b.text()


def ahead(metrics: tuple[dict, dict], labels: tuple[str, str]) -> str:
    """One line saying which side is ahead and by what measure: modes covered (a fair share of
    the high-quality samples), then high-quality share, on data with modes; sliced W1 to the
    real data (lower is better) on data without."""
    a, b = metrics
    if not a or not b:
        return "No evaluation yet: the first is at the first evaluation step."
    if "modes_covered" in a:
        for key, what, fmt in (("modes_covered", "modes covered", "{:d}"),
                               ("high_quality", "high-quality samples", "{:.0%}")):
            if a[key] != b[key] and not (key == "high_quality" and abs(a[key] - b[key]) < 0.02):
                lead = 0 if a[key] > b[key] else 1
                va, vb = (fmt.format(m[key]) for m in ((a, b) if lead == 0 else (b, a)))
                n = f" of {a['n_modes']}" if key == "modes_covered" else ""
                return (f"**{labels[lead]}** is ahead by {what}: {va} against {vb}{n} "
                        f"(step {a['step']:,}).")
        return (f"Level at step {a['step']:,}: {a['modes_covered']} modes covered each, "
                f"{a['high_quality']:.0%} and {b['high_quality']:.0%} high quality.")
    wa, wb = a["sliced_w"], b["sliced_w"]
    if abs(wa - wb) <= 0.02 * max(wa, wb):
        return f"Level at step {a['step']:,}: sliced W1 {wa:.3f} and {wb:.3f}."
    lead = 0 if wa < wb else 1
    return (f"**{labels[lead]}** is ahead by sliced W1 to the real data (lower is closer): "
            f"{min(wa, wb):.3f} against {max(wa, wb):.3f} (step {a['step']:,}).")
