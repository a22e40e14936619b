"""Speed of the engine against the textbook training loop, measured side by side in one process.

The textbook loop is the one the tests check the engine against (reference.py: nn.Sequential
MLPs, two torch.optim.Adam, BCE-with-logits, eager), on a fresh batch each step. The engine trains K
independent GANs as one batched program (training.Population), CUDA-graphed on a GPU. Each is
measured without R1, with R1 in every step and with lazy R1 (every LAZY_R1-th step, StyleGAN2).
Ratios are model-steps/s over the textbook loop's steps/s with the same R1 setting. Only torch
and numpy are imported: this runs on a bare GPU machine."""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from .config import TrainConfig
from .data import make_dataset
from .reference import textbook_nets
from .reference import textbook_step as reference_step
from .training import Population, device_label


@dataclass(frozen=True)
class BenchSettings:
    batch_size: int = 512
    hidden: int = 128
    depth: int = 3
    r1_gamma: float = 1.0  # used by the "with R1" rows
    seconds: float = 2.0  # measuring time per row per round
    rounds: int = 3  # rows are measured in turn, `rounds` times; each row keeps its best


LAZY_R1 = 4  # the lazy rows' r1_every (the grid presets')
R1_SETTINGS = (0, 1, LAZY_R1)  # r1_every of each row group; 0: R1 off


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _config(device: torch.device, s: BenchSettings, r1: int, seed: int = 0) -> TrainConfig:
    """`r1`: R1 off (0), or computed every r1-th step (1: every step)."""
    return TrainConfig(batch_size=s.batch_size, hidden=s.hidden, depth=s.depth,
                       r1_gamma=s.r1_gamma if r1 else 0.0, r1_every=max(r1, 1), seed=seed,
                       device=device.type)


def textbook_step(device: torch.device, s: BenchSettings, r1: int):
    """The reference loop (reference.textbook_step): one D step and one G step of the
    non-saturating GAN on the ring, on a fresh batch drawn each step."""
    cfg = _config(device, s, r1)
    nets = textbook_nets(cfg, device)
    ring, gen, n = make_dataset(cfg), torch.Generator(device).manual_seed(0), s.batch_size
    done = 0

    def step() -> None:
        nonlocal done
        x = ring.sample(n, gen).view(1, n, 2)
        z_d, z_g = (torch.randn(1, n, cfg.latent_dim, generator=gen, device=device)
                    for _ in range(2))
        reference_step(cfg, *nets, x, z_d, None, z_g[0], step=done)
        done += 1

    return step


def engine_population(device: torch.device, s: BenchSettings, k: int, r1: int, graph: bool):
    configs = [_config(device, s, r1, seed=i) for i in range(k)]
    return Population(configs, eval_every=0, graph=graph, device=device)


def _rate(step, device: torch.device, seconds: float) -> float:
    """Steps per second of `step` over about `seconds` (at least 3 steps), after a warm-up."""
    for _ in range(3):
        step()
    _sync(device)
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(max(1, 2**min(n.bit_length(), 5))):  # batches keep host timing light
            step()
            n += 1
        _sync(device)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and n >= 3:
            return n / elapsed


def run_benchmark(device: torch.device, populations, settings: BenchSettings, log=None) -> dict:
    """Every row measured `rounds` times in turn (so drift hits all rows alike); best kept."""
    rows = []  # (name, K, r1, population or None, step function)
    for r1 in R1_SETTINGS:
        rows.append(("textbook", 1, r1, None, textbook_step(device, settings, r1)))
        for k in populations:
            pop = engine_population(device, settings, k, r1, graph=device.type == "cuda")
            rows.append(("engine", k, r1, pop, pop.step))
    best = [0.0] * len(rows)
    for _ in range(settings.rounds):
        for i, (name, k, r1, _, step) in enumerate(rows):
            best[i] = max(best[i], _rate(step, device, settings.seconds))
            if log:
                log(f"{name:8s} K={k:<4d} r1_every={r1} {best[i] * k:12.0f} model-steps/s")
    base = {r1: best[i] for i, (name, _, r1, _, _) in enumerate(rows) if name == "textbook"}
    results = []
    for i, (name, k, r1, pop, _) in enumerate(rows):
        results.append({
            "name": name, "population": k, "r1": bool(r1), "r1_every": max(r1, 1),
            "graphed": bool(pop and pop.graphed),
            "steps_per_s": round(best[i], 2), "model_steps_per_s": round(best[i] * k, 2),
            "ratio": round(best[i] * k / base[r1], 3),
        })
    return {
        "device": device_label(device),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "settings": settings.__dict__,
        "results": results,
    }


def format_table(report: dict) -> str:
    lines = [
        f"device {report['device']}, torch {report['torch']}, {report['threads']} threads, "
        f"batch {report['settings']['batch_size']}, MLP {report['settings']['depth']}x"
        f"{report['settings']['hidden']}, non-saturating loss, Adam",
        f"{'run':10s} {'K':>4s} {'R1':>7s} {'graph':>5s} {'steps/s':>10s} "
        f"{'model-steps/s':>14s} {'ratio':>7s}",
    ]
    for r in report["results"]:
        lines.append(
            f"{r['name']:10s} {r['population']:4d} {_r1_text(r):>7s} "
            f"{'yes' if r['graphed'] else 'no':>5s} {r['steps_per_s']:10.1f} "
            f"{r['model_steps_per_s']:14.1f} {r['ratio']:6.2f}x"
        )
    return "\n".join(lines)


def _r1_text(row: dict) -> str:
    """'no', 'yes', or '1 in 4' for lazy R1."""
    if not row["r1"]:
        return "no"
    return "yes" if row["r1_every"] == 1 else f"1 in {row['r1_every']}"


# The duels the Playground offers most often: two losses with the same settings, a loss with and
# without a penalty, and a loss against one that trains with other settings (WGAN-GP's 5 critic
# steps, which the other side skips but still pays for in the batched step).
DUELS = (
    ({"loss": "nonsaturating"}, {"loss": "lsgan"}),
    ({"loss": "nonsaturating"}, {"loss": "nonsaturating", "r1_gamma": 0.1}),
    ({"loss": "nonsaturating"}, {"loss": "wgan_gp", "d_steps": 5, "beta1": 0.0, "beta2": 0.9}),
)


def run_duel_benchmark(device: torch.device, settings: BenchSettings, log=None) -> dict:
    """The cost of a duel (both sides as one population of K = 2) against each side trained
    alone (K = 1) and against both alone one after the other: seconds per step, every row
    measured `rounds` times in turn in this process, best kept."""
    base = TrainConfig(batch_size=settings.batch_size, hidden=settings.hidden,
                       depth=settings.depth, device=device.type)
    graph = device.type == "cuda"
    rows = []  # (duel index, role, population)
    for i, (a, b) in enumerate(DUELS):
        ca, cb = base.replace(**a), base.replace(**b)
        rows += [(i, "a", Population([ca], eval_every=0, graph=graph, device=device)),
                 (i, "b", Population([cb], eval_every=0, graph=graph, device=device)),
                 (i, "duel", Population([ca, cb], eval_every=0, graph=graph, device=device))]
    best = [0.0] * len(rows)
    for _ in range(settings.rounds):
        for j, (i, role, pop) in enumerate(rows):
            best[j] = max(best[j], _rate(pop.step, device, settings.seconds))
            if log:
                log(f"duel {i} {role:4s} {best[j]:8.1f} steps/s")
    results = []
    for i, (a, b) in enumerate(DUELS):
        rate = {role: best[j] for j, (k, role, _) in enumerate(rows) if k == i}
        single, both = 1 / rate["a"], 1 / rate["a"] + 1 / rate["b"]
        duel = 1 / rate["duel"]
        results.append({
            "a": _duel_side(a), "b": _duel_side(b),
            "ms_per_step": {"a alone": round(1e3 * single, 3),
                            "b alone": round(1e3 / rate["b"], 3), "duel": round(1e3 * duel, 3)},
            "duel_vs_a_alone": round(duel / single, 3),
            "duel_vs_a_then_b": round(duel / both, 3),
        })
    return {"device": device_label(device), "torch": torch.__version__,
            "threads": torch.get_num_threads(), "settings": settings.__dict__, "duels": results}


def _duel_side(changes: dict) -> str:
    from .catalog import variant_name

    name = variant_name(changes["loss"], changes.get("r1_gamma", 0.0))
    extra = {k: v for k, v in changes.items() if k not in ("loss", "r1_gamma")}
    return name + (" (" + ", ".join(f"{k} {v:g}" for k, v in extra.items()) + ")" if extra
                   else "")


def format_duel_table(report: dict) -> str:
    s = report["settings"]
    lines = [
        f"device {report['device']}, torch {report['torch']}, {report['threads']} threads, "
        f"batch {s['batch_size']}, MLP {s['depth']}x{s['hidden']}, Adam; ms per training step",
        "| side a | side b | a alone | b alone | duel (K = 2) | duel / a alone | "
        "duel / (a alone + b alone) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["duels"]:
        ms = r["ms_per_step"]
        lines.append(f"| {r['a']} | {r['b']} | {ms['a alone']:.2f} | {ms['b alone']:.2f} | "
                     f"{ms['duel']:.2f} | {r['duel_vs_a_alone']:.2f}× | "
                     f"{r['duel_vs_a_then_b']:.2f}× |")
    return "\n".join(lines)
