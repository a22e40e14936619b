"""python -m playground dirac: one Dirac-GAN run (Mescheder et al. 2018, §2), its Jacobian's
eigenvalues at the equilibrium (numeric and closed form) and where the trajectory ends."""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from .. import dirac
from .common import UsageError, add_command

MAX_STEPS = 100_000
MAX_LR = 10.0
MAX_GAMMA = 1000.0
MAX_START = 100.0


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "dirac", run,
        help="Dirac-GAN: eigenvalues at the equilibrium and a gradient-step trajectory",
        description=__doc__,
        json="one JSON object",
    )
    parser.add_argument("--loss", choices=tuple(dirac.DIRAC_FIELDS), default="minimax")
    parser.add_argument(
        "--r1-gamma",
        default="0",
        metavar="G",
        help="R1 weight: (G/2)·‖∇D(real)‖² in D's objective (default 0)",
    )
    parser.add_argument(
        "--r2-gamma",
        default="0",
        metavar="G",
        help="R2 weight: the same penalty at the fake point (default 0)",
    )
    parser.add_argument("--scheme", choices=dirac.SCHEMES, default="simultaneous")
    parser.add_argument("--lr", default="0.1", metavar="H", help="step size (default 0.1)")
    parser.add_argument("--steps", default="500", metavar="N", help="gradient steps (default 500)")
    parser.add_argument(
        "--start",
        default="1,1",
        metavar="THETA,PSI",
        help="start point (generator θ, discriminator ψ), default 1,1; write a negative θ as "
        "--start=-1,2",
    )


def _number(flag: str, text: str, lo: float, hi: float, *, open_lo: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{flag}: {text!r} is not a number") from None
    too_low = value <= lo if open_lo else value < lo
    if not math.isfinite(value) or too_low or value > hi:
        interval = f"({lo:g}, {hi:g}]" if open_lo else f"[{lo:g}, {hi:g}]"
        raise UsageError(f"{flag}: {text} is outside {interval}")
    return value


def _steps(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"--steps: {text!r} is not an integer") from None
    if not 1 <= value <= MAX_STEPS:
        raise UsageError(f"--steps: {value} is outside [1, {MAX_STEPS}]")
    return value


def _start(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(f"--start: {text!r} is not two comma-separated numbers THETA,PSI")
    theta, psi = (_number("--start", p.strip(), -MAX_START, MAX_START) for p in parts)
    return theta, psi


def _pairs(values: np.ndarray) -> list[list[float]]:
    # 1e-12: finite-difference noise below that is not a real or imaginary part worth printing
    return [[round(float(v.real), 12) + 0.0, round(float(v.imag), 12) + 0.0] for v in values]


def run(args: argparse.Namespace) -> int:
    r1 = _number("--r1-gamma", args.r1_gamma, 0.0, MAX_GAMMA)
    r2 = _number("--r2-gamma", args.r2_gamma, 0.0, MAX_GAMMA)
    lr = _number("--lr", args.lr, 0.0, MAX_LR, open_lo=True)
    steps = _steps(args.steps)
    start = _start(args.start)

    field = dirac.dirac_field(args.loss, r1, r2)
    numeric = dirac.sorted_eigenvalues(dirac.jacobian(field))
    closed = dirac.closed_form_eigenvalues(args.loss, r1 + r2)
    radius = dirac.spectral_radius(dirac.update_jacobian(field, lr, args.scheme))
    path = dirac.trajectory(field, start, lr, steps, args.scheme)
    final = path.points[-1]
    out = {
        "loss": args.loss,
        "r1_gamma": r1,
        "r2_gamma": r2,
        "scheme": args.scheme,
        "lr": lr,
        "steps": steps,
        "start": list(start),
        "eigenvalues_numeric": _pairs(numeric),
        "eigenvalues_closed_form": _pairs(closed),
        "critical_gamma": dirac.critical_gamma(args.loss),
        "step_spectral_radius": radius,
        "steps_run": len(path.points) - 1,
        "escaped": path.escaped,
        "final_point": [float(final[0]), float(final[1])],
        "final_distance": path.final_distance,
    }
    if args.json:
        print(json.dumps(out))
        return 0

    def fmt(pairs: list[list[float]]) -> str:
        return ", ".join(f"{re:+.6f}{im:+.6f}i" for re, im in pairs)

    gamma = r1 + r2
    print(f"Dirac-GAN, {dirac.DIRAC_FIELDS[args.loss].title}, R1 γ={r1:g}, R2 γ={r2:g}")
    print(f"  Jacobian eigenvalues at (0, 0), numeric:     {fmt(out['eigenvalues_numeric'])}")
    print(f"  Jacobian eigenvalues at (0, 0), closed form: {fmt(out['eigenvalues_closed_form'])}")
    print(f"  critical γ = 2 f'(0) = {out['critical_gamma']:g} (γ total = {gamma:g})")
    # 1e-9: a radius this close to 1 is a rotation (alternating steps on the bilinear game)
    trend = "stays" if abs(radius - 1) < 1e-9 else ("shrinks" if radius < 1 else "grows")
    print(
        f"  {args.scheme} steps, lr {lr:g}: spectral radius of one step {radius:.6f} "
        f"(near it the distance to the equilibrium {trend})"
    )
    end = f"passed distance {dirac.ESCAPE_RADIUS:g} (diverged)" if path.escaped else "ended"
    print(
        f"  from ({start[0]:g}, {start[1]:g}) after {out['steps_run']} steps: {end} at "
        f"({final[0]:.6g}, {final[1]:.6g}), distance {path.final_distance:.6g}"
    )
    return 0
