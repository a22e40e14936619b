"""The losses by name: the one list every part of the project reads (config validation, the
CLI, the Playground, the Compare page, the theory pages, sweeps' labels). Adding a loss is one
entry here plus its two functions in `losses.LOSSES` (a test keeps the two lists equal).

Pure Python, no torch: the UI and the config read it before anything is trained.

What D outputs differs between the games, and the pages must not show every output as a
probability: minimax and non-saturating D output a logit l with D(x) = sigmoid(l); LSGAN's D
regresses to 0 (fake) and 1 (real); the hinge D outputs a margin (real above +1, fake below -1);
the WGAN critic outputs an unbounded score whose level is arbitrary (only differences between
points matter, the loss is unchanged by adding a constant).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Output:
    """How a page shows D's output for this loss. `lo`..`hi` is the colour range (None: taken
    from the values at hand, as for the critic), `mid` the value drawn as a line (None: centre
    of the range), and the two ends are named by `lo_text` / `hi_text`."""

    kind: str  # "probability" (sigmoid of the logit) or "raw" (the network's output itself)
    name: str  # what the value is, for titles: "D(x)", "critic f(x)"
    meaning: str  # one sentence for captions
    lo: float | None = None
    hi: float | None = None
    mid: float | None = None
    lo_text: str = ""
    hi_text: str = ""


PROBABILITY = Output(
    "probability", "D(x)",
    "D(x), the probability D gives a point of being real (purple: fake, green: real); dotted "
    "line: D = ½.", 0.0, 1.0, 0.5, "0 fake", "1 real")
LS_SCORE = Output(
    "raw", "D(x)",
    "D(x), LSGAN's raw output, regressed to 0 on fakes and 1 on real points (purple: fake "
    "side, green: real side); dotted line: D = ½, halfway between the targets.",
    -0.5, 1.5, 0.5, "0 fake target", "1 real target")
MARGIN = Output(
    "raw", "D(x)",
    "D(x), the hinge discriminator's raw margin: its loss is zero for real points above +1 and "
    "fakes below −1 (purple: fake side, green: real side); dotted line: D = 0.",
    -2.0, 2.0, 0.0, "−1 fake margin", "+1 real margin")
CRITIC = Output(
    "raw", "critic f(x)",
    "f(x), the WGAN critic's score (higher: more real). It is not a probability and its level "
    "is arbitrary (only differences matter), so the colours are centred halfway between the "
    "mean score of the real and the fake points (dotted line).",
    None, None, None, "lower: fake side", "higher: real side")


@dataclass(frozen=True)
class LossInfo:
    name: str  # the config value, CLI value and URL value
    label: str  # the Playground's name for it
    short: str  # in variant labels and table rows: "NS + R1 γ=0.1"
    paper: str
    d_loss: str  # the discriminator's (critic's) loss, as in the paper
    g_loss: str  # the generator's loss, as in the paper
    output: Output = PROBABILITY
    # TrainConfig fields the paper trains this loss with, where they differ from the defaults;
    # the preset of this loss, the Compare page, `--recommended` and the duel apply them
    recommended: dict = field(default_factory=dict)
    why: str = ""  # why those settings, in one sentence

    def recommended_text(self) -> str:
        """'d_steps 5, beta1 0, beta2 0.9' (empty when the defaults suit this loss)."""
        return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
                         for k, v in self.recommended.items())


_INFOS = (
    LossInfo(
        "minimax", "minimax (saturating)", "minimax", "Goodfellow et al. 2014",
        "−E[log D(x)] − E[log(1 − D(G(z)))]", "E[log(1 − D(G(z)))]",
    ),
    LossInfo(
        "nonsaturating", "non-saturating", "NS", "Goodfellow et al. 2014",
        "−E[log D(x)] − E[log(1 − D(G(z)))]", "−E[log D(G(z))]",
    ),
    LossInfo(
        "lsgan", "least squares (LSGAN)", "LSGAN", "Mao et al. 2017",
        "½E[(D(x) − 1)²] + ½E[D(G(z))²]", "½E[(D(G(z)) − 1)²]", LS_SCORE,
    ),
    LossInfo(
        "hinge", "hinge", "hinge", "Lim & Ye 2017; Miyato et al. 2018",
        "E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]", "−E[D(G(z))]", MARGIN,
    ),
    LossInfo(
        "wgan_gp", "Wasserstein + gradient penalty (WGAN-GP)", "WGAN-GP",
        "Gulrajani et al. 2017",
        "E[f(G(z))] − E[f(x)] + 10·E[(‖∇f(x̂)‖ − 1)²], x̂ = εx + (1 − ε)G(z), ε ~ U(0, 1)",
        "−E[f(G(z))]", CRITIC,
        recommended={"d_steps": 5, "beta1": 0.0, "beta2": 0.9},
        why="the paper's Algorithm 1 trains the critic 5 steps per generator step with "
            "Adam(β₁ 0, β₂ 0.9): a critic that is not near its optimum gives G a poor "
            "estimate of the Wasserstein distance, and momentum hurts the critic.",
    ),
)

LOSSES: dict[str, LossInfo] = {info.name: info for info in _INFOS}
NAMES: tuple[str, ...] = tuple(LOSSES)
# R1 and R2 (Mescheder et al. 2018): gamma / 2 times E||grad_x D||^2 on real (R1) or fake (R2)
# points, added to D's loss; any loss can have either
PENALTIES = {"r1_gamma": "R1", "r2_gamma": "R2"}
# The penalty weight used where nothing else says: the Playground's R1 / R2 strength when first
# switched on, and the comparisons' R1 weight on data without a measured one
# (sweeps.R1_GAMMA_BY_DATASET); on the ring it keeps all 8 modes with crisp samples.
DEFAULT_GAMMA = 0.1


def label(name: str) -> str:
    return LOSSES[name].label


def short(name: str) -> str:
    return LOSSES[name].short


def recommended(name: str) -> dict:
    """The config changes the paper of loss `name` trains with (a copy; {} for most)."""
    return dict(LOSSES[name].recommended)


def variant_name(loss: str, r1_gamma: float = 0.0, r2_gamma: float = 0.0) -> str:
    """'NS + R1 γ=0.1', 'WGAN-GP + R2 γ=1': a loss and its penalties in a few characters."""
    text = short(loss)
    for value, name in ((r1_gamma, "R1"), (r2_gamma, "R2")):
        if value > 0:
            text += f" + {name} γ={value:g}"
    return text


def variant_key(loss: str, r1_gamma: float = 0.0, r2_gamma: float = 0.0) -> str:
    """'nonsaturating+r1=0.1': a loss and its penalties by their engine names, for links and
    files, which must not change when a label is reworded (`variant_name` is for people)."""
    text = loss
    for value, name in ((r1_gamma, "r1"), (r2_gamma, "r2")):
        if value > 0:
            text += f"+{name}={value:g}"
    return text
