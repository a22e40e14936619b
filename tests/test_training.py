import math

import numpy as np
import pytest
import torch
import torch.nn as nn

from playground import GANRun, Population, catalog, losses, train
from playground.reference import textbook_nets, textbook_step
from playground.training import BLOCK, TRAIN_THREADS


def _weights(pop):
    return [p.detach().clone() for p in pop.G.params], [p.detach().clone() for p in pop.D.params]


def test_same_config_and_seed_give_identical_history(tiny):
    a, b = train(tiny, 150, eval_every=50), train(tiny, 150, eval_every=50)
    np.testing.assert_array_equal(a.history.steps["g_loss"], b.history.steps["g_loss"])
    np.testing.assert_array_equal(a.samples, b.samples)
    assert repr(a.metrics) == repr(b.metrics)  # NaN != NaN, but prints alike
    c = train(tiny.replace(seed=1), 150, eval_every=50)
    assert not np.array_equal(a.history.steps["g_loss"], c.history.steps["g_loss"])


def test_a_step_changes_both_players_and_half_steps_change_one(tiny):
    run = GANRun(tiny)
    g0, d0 = _weights(run.population)
    run.step(d=True, g=False)
    g1, d1 = _weights(run.population)
    assert all(torch.equal(a, b) for a, b in zip(g0, g1))
    assert not all(torch.equal(a, b) for a, b in zip(d0, d1))
    run.step(d=False, g=True)
    g2, d2 = _weights(run.population)
    assert not all(torch.equal(a, b) for a, b in zip(g1, g2))
    assert all(torch.equal(a, b) for a, b in zip(d1, d2))
    run.step()
    g3, d3 = _weights(run.population)
    assert not any(torch.equal(a, b) for a, b in zip(g2 + d2, g3 + d3))
    assert run.step_count == 3 and len(run.history) == 3


def test_d_steps_k_makes_k_discriminator_updates_per_generator_update(tiny):
    pop = Population([tiny.replace(d_steps=3)])
    for _ in range(4):
        pop.step()
    assert pop.d_opt.t.item() == 12 and pop.g_opt.t.item() == 4


def test_r1_changes_d_only(tiny):
    plain, r1 = GANRun(tiny), GANRun(tiny.replace(r1_gamma=10.0))
    plain.step(g=False)
    r1.step(g=False)
    (gp, dp), (gr, dr) = _weights(plain.population), _weights(r1.population)
    assert all(torch.equal(a, b) for a, b in zip(gp, gr))
    assert not all(torch.equal(a, b) for a, b in zip(dp, dr))
    assert math.isnan(plain.history.steps["r1"][0]) and r1.history.steps["r1"][0] > 0


def test_reset_reproduces_initial_weights_and_probes(tiny):
    a, b = GANRun(tiny), GANRun(tiny)
    a.advance(5)
    s_b = b.snapshot()
    c = GANRun(tiny)
    np.testing.assert_array_equal(c.snapshot().x_fake, s_b.x_fake)
    np.testing.assert_array_equal(c.snapshot().x_real, s_b.x_real)
    assert not np.array_equal(a.snapshot().x_fake, s_b.x_fake)


def test_live_update_changes_the_game_without_reset(tiny):
    run = GANRun(tiny)
    run.advance(3)
    run.update(loss="minimax", r1_gamma=1.0, lr_g=1e-4)
    run.advance(2)
    assert run.step_count == 5 and run.config.loss == "minimax"
    assert run.history.steps["r1"][-1] > 0 and math.isnan(run.history.steps["r1"][2])
    with pytest.raises(ValueError, match="mid-run"):
        run.update(hidden=32)
    with pytest.raises(ValueError, match="lr_d"):
        run.update(lr_d=-1.0)


def test_reconfigure_applies_live_fields_in_place_as_if_the_run_had_started_with_them(tiny):
    live = tiny.replace(loss="lsgan", r1_gamma=0.5, lr_g=2e-3, beta1=0.0, g_ema=0.9)
    changed, fresh = GANRun(tiny), GANRun(live)
    assert changed.reconfigure(live) is False  # applied: no reset needed
    assert changed.config == live and changed.step_count == 0
    changed.advance(20)
    fresh.advance(20)
    for name, column in fresh.history.steps.items():
        np.testing.assert_array_equal(changed.history.steps[name], column, err_msg=name)


def test_reconfigure_with_a_structural_change_asks_for_a_reset_and_changes_nothing(tiny):
    run = GANRun(tiny)
    run.advance(3)
    before = [p.detach().clone() for p in run.population.D.params]
    for cfg in (tiny.replace(hidden=32), tiny.replace(seed=1, loss="minimax"),
                tiny.replace(d_steps=2), tiny.replace(dataset="grid25")):
        assert run.reconfigure(cfg) is True, cfg
        assert run.config == tiny  # not even the live part of cfg was applied
        assert run.population.members.games == [losses.LOSSES["nonsaturating"]]
    run.advance(1)  # the run goes on as it was
    assert run.step_count == 4 and run.config.loss == "nonsaturating"
    assert not all(torch.equal(a, b) for a, b in zip(before, run.population.D.params))


def test_non_finite_losses_stop_with_diverged_and_no_exception(tiny):
    # SGD on a huge R1 penalty: each D step multiplies the weights, which overflow within steps
    cfg = tiny.replace(optimizer="sgd", lr_d=1.0, r1_gamma=1000.0, activation="leaky_relu")
    result = train(cfg, 2000, eval_every=50)
    assert result.verdict.label == "diverged"
    first_bad = np.nonzero(~np.isfinite(result.history.steps["d_loss"]))[0][0] + 1
    assert f"step {first_bad}" in result.verdict.reason
    assert result.steps == first_bad  # on the CPU training stops at the first bad step


def test_one_member_diverging_stops_only_that_member_and_the_histories_are_complete(tiny):
    """advance reads only each step's statistics on the CPU; the histories must still hold
    every step, and one member's divergence must not stop the others."""
    bad = tiny.replace(optimizer="sgd", lr_d=1.0, r1_gamma=1000.0, activation="leaky_relu")
    pop = Population([bad, bad.replace(r1_gamma=0.0, lr_d=1e-3)], eval_every=0)
    assert pop.advance(60) == 60
    first_bad = np.nonzero(~np.isfinite(pop.histories[0].steps["d_loss"]))[0][0] + 1
    assert pop.diverged_at == [first_bad, None] and first_bad < 60
    assert [len(h.steps["step"]) for h in pop.histories] == [60, 60]
    np.testing.assert_array_equal(pop.histories[1].steps["step"], np.arange(1, 61))


def test_snapshot_has_float32_arrays_for_the_live_view(tiny):
    run = GANRun(tiny)
    run.advance(100)
    s = run.snapshot()
    assert s.step == 100 and s.loss == "nonsaturating"
    for name in ("x_real", "x_fake", "d_fake_raw", "d_real_raw", "g_grad", "grid_x", "grid_y",
                 "d_grid", "warp"):
        assert getattr(s, name).dtype == np.float32, name
    assert s.x_fake.shape == s.g_grad.shape and s.d_fake_raw.shape == (len(s.x_fake),)
    assert s.d_grid.shape == (len(s.grid_y), len(s.grid_x))
    assert ((s.d_grid >= 0) & (s.d_grid <= 1)).all()
    assert s.metrics["step"] == 100 and s.metrics["n_modes"] == 8


def test_snapshot_gradient_is_the_selected_loss_gradient(tiny):
    """Minimax and NS arrows point the same way; their lengths differ by (1 - D) / D."""
    ns = GANRun(tiny)
    ns.advance(20)
    s_ns = ns.snapshot()
    ns.update(loss="minimax")
    s_mm = ns.snapshot()
    d = 1 / (1 + np.exp(-s_ns.d_fake_raw.astype(np.float64)))
    ratio = np.linalg.norm(s_ns.g_grad, axis=1) / np.linalg.norm(s_mm.g_grad, axis=1)
    np.testing.assert_allclose(ratio, (1 - d) / d, rtol=1e-3)
    cos = (s_ns.g_grad * s_mm.g_grad).sum(1)
    assert (cos > 0).all()


def _population_equals_textbook_runs(configs) -> Population:
    """Train `configs` as one population and each alone in the textbook loop on the same inputs
    for BLOCK + 8 steps (across a block refill); assert every member's weights equal its
    textbook run's. Returns the population."""
    pop = Population(configs, eval_every=0)
    refs = [textbook_nets(c) for c in configs]
    for t in range(BLOCK + 8):
        for k, (c, ref) in enumerate(zip(configs, refs)):
            textbook_step(c, *ref, *pop.next_inputs(k), step=t)
        pop.step()
    for k, (G, D, _, _) in enumerate(refs):
        for net, params in ((G, pop.G.params), (D, pop.D.params)):
            ref = [p for lin in net if isinstance(lin, nn.Linear) for p in (lin.weight.T, lin.bias)]
            for got, want in zip(params, ref):
                torch.testing.assert_close(got[k].squeeze(0), want.detach(), atol=2e-5,
                                           rtol=1e-4, msg=lambda m, c=configs[k]: f"{c}: {m}")
    return pop


def test_population_equals_separate_textbook_runs(tiny):
    configs = [
        tiny.replace(loss="minimax", seed=0),
        tiny.replace(loss="nonsaturating", r1_gamma=1.0, seed=0, lr_d=3e-3),
        tiny.replace(loss="nonsaturating", seed=4, beta1=0.0),
        tiny.replace(loss="lsgan", seed=0),
        tiny.replace(loss="hinge", r2_gamma=1.0, seed=0),
        tiny.replace(loss="wgan_gp", seed=0, d_steps=3, beta1=0.0, beta2=0.9),
    ]
    _population_equals_textbook_runs(configs)


def test_lazy_r1_population_equals_textbook_runs_that_penalise_every_third_step(tiny):
    """With r1_every = 3 the R1 term is added, three times as strong, only in steps 0, 3, 6...
    (StyleGAN2's lazy regularisation), alike in the engine and in the textbook loop."""
    configs = [tiny.replace(r1_every=3, **v) for v in (
        dict(loss="nonsaturating", r1_gamma=1.0), dict(loss="minimax", r1_gamma=0.3, seed=2),
        dict(loss="hinge", r1_gamma=1.0, r2_gamma=0.5, d_steps=2), dict(loss="nonsaturating"))]
    pop = _population_equals_textbook_runs(configs)
    pop.flush()
    r1 = pop.histories[0].steps["r1"]
    assert np.isfinite(r1[::3]).all() and np.isnan(np.delete(r1, np.s_[::3])).all()


def test_lazy_r1_is_not_every_step_r1(tiny):
    """r1_every changes the trajectory (a test of the test above: the flag is not ignored)."""
    every, lazy = (train(tiny.replace(r1_gamma=1.0, r1_every=n), 40, eval_every=0)
                   for n in (1, 4))
    steps = every.history.steps
    assert np.isfinite(steps["r1"]).all()
    assert not np.allclose(steps["d_loss"][1:], lazy.history.steps["d_loss"][1:])


def test_recorded_gradient_norms_are_those_of_each_members_textbook_gradients(tiny):
    """|grad D| (of D's whole objective, penalties included, in its last update) and |grad G|
    in the history are the L2 norms over all parameters of the gradients the textbook loop
    steps its optimizers with, for that member on the same inputs."""
    configs = [tiny.replace(loss="minimax", seed=0),
               tiny.replace(loss="nonsaturating", r1_gamma=1.0, seed=3, d_steps=2),
               tiny.replace(loss="hinge", r2_gamma=0.5, seed=1)]
    pop = Population(configs, eval_every=0)
    refs = [textbook_nets(c) for c in configs]
    norms = [([], []) for _ in configs]  # per member: the norms each optimizer stepped with

    def record(opt, into):
        step = opt.step

        def recording_step():
            grads = [p.grad.flatten() for group in opt.param_groups for p in group["params"]]
            into.append(float(torch.cat(grads).norm()))
            step()
        opt.step = recording_step

    for (_, _, opt_g, opt_d), (d, g) in zip(refs, norms):
        record(opt_d, d)
        record(opt_g, g)
    for t in range(3):
        for k, (c, ref) in enumerate(zip(configs, refs)):
            textbook_step(c, *ref, *pop.next_inputs(k), step=t)
        pop.step()
    pop.flush()
    for k, (c, (d, g)) in enumerate(zip(configs, norms)):
        steps = pop.histories[k].steps
        np.testing.assert_allclose(steps["grad_norm_d"], d[c.d_steps - 1 :: c.d_steps], rtol=1e-4)
        np.testing.assert_allclose(steps["grad_norm_g"], g, rtol=1e-4)


def test_members_make_their_own_number_of_d_steps(tiny):
    pop = Population([tiny, tiny.replace(d_steps=5), tiny.replace(d_steps=2)], eval_every=0)
    pop.advance(4)
    assert pop.d_opt.t.flatten().tolist() == [4, 20, 8]
    assert pop.g_opt.t.flatten().tolist() == [4, 4, 4]


EVERY_LOSS = [dict(loss=name, **catalog.recommended(name)) for name in catalog.NAMES] + [
    dict(loss="hinge", r1_gamma=0.5, r2_gamma=1.0), dict(loss="lsgan", r2_gamma=0.3)]


def test_a_population_mixing_every_loss_gives_each_member_its_own_trajectory(tiny):
    """Each member of a population of every loss and penalty trains bit for bit as in a
    population of two with an unrelated partner, and as alone to float rounding (README,
    "What reproduces where": K = 1 multiplies with another kernel)."""
    configs = [tiny.replace(**v) for v in EVERY_LOSS]
    mixed = Population(configs, eval_every=0)
    mixed.advance(40)
    mixed.flush()
    for k, cfg in enumerate(configs):
        pair = Population([tiny.replace(seed=7), cfg], eval_every=0)
        pair.advance(40)
        pair.flush()
        for name in ("d_loss", "g_loss", "d_real", "d_fake"):
            np.testing.assert_array_equal(mixed.histories[k].steps[name],
                                          pair.histories[1].steps[name], err_msg=f"{cfg.loss}")
        for a, b in zip(mixed.G.params + mixed.D.params, pair.G.params + pair.D.params):
            assert torch.equal(a[k], b[1]), cfg
        alone = GANRun(cfg, eval_every=0)
        alone.advance(40)
        for name in ("d_loss", "g_loss"):
            np.testing.assert_allclose(mixed.histories[k].steps[name], alone.history.steps[name],
                                       rtol=1e-5, atol=1e-6, err_msg=f"{cfg.loss} {name}")


def test_gradient_penalty_draws_from_its_own_seeded_stream(tiny):
    wgan = tiny.replace(loss="wgan_gp")
    a, b = GANRun(wgan), GANRun(wgan)
    a.advance(20)
    b.advance(20)
    np.testing.assert_array_equal(a.history.steps["gp"], b.history.steps["gp"])
    assert np.isfinite(a.history.steps["gp"]).all() and np.isnan(a.history.steps["r1"]).all()
    # the interpolation weights never shift the data or noise of a run without the penalty
    plain, switched = GANRun(tiny), GANRun(tiny)
    plain.advance(10)
    switched.advance(5)
    switched.update(loss="wgan_gp")
    switched.update(loss="nonsaturating")
    switched.advance(5)
    np.testing.assert_array_equal(plain.history.steps["g_loss"], switched.history.steps["g_loss"])


def test_critic_outputs_are_shown_raw_and_probabilities_as_probabilities(tiny):
    for loss in catalog.NAMES:
        run = GANRun(tiny.replace(loss=loss))
        run.advance(30)
        snap, steps = run.snapshot(), run.history.steps
        with torch.no_grad():
            raw = run.population.D(torch.as_tensor(snap.x_fake)[None])[0, :, 0].numpy()
        np.testing.assert_allclose(snap.d_fake_raw, raw, rtol=1e-5, atol=1e-6)
        if catalog.LOSSES[loss].output.kind == "probability":
            assert ((snap.d_grid >= 0) & (snap.d_grid <= 1)).all()
            assert ((steps["d_real"] > 0) & (steps["d_real"] < 1)).all()
        else:
            assert snap.d_grid.min() < 0 or snap.d_grid.max() > 1, loss  # not squashed


def test_paired_members_share_initial_weights_data_and_trajectory_when_equal(tiny):
    a = tiny.replace(loss="minimax")
    pop = Population([a, tiny, a, tiny.replace(seed=3)])
    x0 = pop.G(pop.observer.z_probe).detach()
    assert torch.equal(x0[0], x0[1]) and torch.equal(x0[0], x0[2])
    assert not torch.equal(x0[0], x0[3])
    pop.advance(40)
    h = [pop.histories[k].steps["g_loss"] for k in range(4)]
    np.testing.assert_array_equal(h[0], h[2])  # identical configs: identical runs
    assert not np.array_equal(h[0], h[1])


def test_a_member_does_not_depend_on_its_population(tiny):
    alone = GANRun(tiny)
    alone.advance(40)
    pop = Population([tiny.replace(seed=9, loss="minimax"), tiny])
    pop.advance(40)
    np.testing.assert_allclose(pop.histories[1].steps["g_loss"], alone.history.steps["g_loss"],
                               rtol=1e-5, atol=1e-6)


def test_population_rejects_members_that_differ_in_structure(tiny):
    with pytest.raises(ValueError, match="may differ only"):
        Population([tiny, tiny.replace(hidden=32)])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("r1_every", [1, 3])  # lazy R1: one graph with R1, one without
def test_graphed_and_eager_steps_agree_on_cuda(tiny, r1_every):
    configs = [tiny.replace(device="cuda", seed=s, r1_gamma=g, r1_every=r1_every)
               for s in (0, 1) for g in (0.0, 1.0)]
    eager = Population(configs, eval_every=0, graph=False)
    graphed = Population(configs, eval_every=0, graph=True)
    eager.advance(2 * BLOCK + 5)
    graphed.advance(2 * BLOCK + 5)
    assert graphed.graph_error is None and graphed.graphed
    for a, b in zip(eager.G.params + eager.D.params, graphed.G.params + graphed.D.params):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-3)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_population_matches_cpu_within_tolerance(tiny):
    cpu = Population([tiny], eval_every=0)
    gpu = Population([tiny.replace(device="cuda")], eval_every=0, graph=False)
    # different devices draw different random numbers, so compare one step from equal inputs
    assert torch.allclose(cpu.G(cpu.observer.z_probe), gpu.G(gpu.observer.z_probe).cpu(), atol=1e-5)


def test_history_is_bitwise_the_same_whatever_threads_the_caller_set(tiny):
    before = torch.get_num_threads()
    try:
        runs = []
        for threads in (2, 1):
            torch.set_num_threads(threads)
            runs.append(train(tiny, 120, eval_every=40))
            assert torch.get_num_threads() == TRAIN_THREADS  # the engine set its own
        a, b = runs
        for name in a.history.steps:
            np.testing.assert_array_equal(a.history.steps[name], b.history.steps[name])
        np.testing.assert_array_equal(a.samples, b.samples)
        assert a.threads == b.threads == TRAIN_THREADS
    finally:
        torch.set_num_threads(before)


def test_a_member_is_bitwise_the_same_in_any_population_of_two_or_more(tiny):
    # K = 1 uses another matmul kernel (see training's docstring): equal to rounding only
    small = Population([tiny, tiny.replace(seed=5)])
    large = Population([tiny.replace(seed=9, loss="minimax"), tiny.replace(seed=3, r1_gamma=1.0),
                        tiny])
    small.advance(60)
    large.advance(60)
    np.testing.assert_array_equal(small.histories[0].steps["g_loss"],
                                  large.histories[2].steps["g_loss"])


def test_g_ema_averages_g_after_every_step_and_does_not_touch_training(tiny):
    beta = 0.9
    pop = Population([tiny, tiny.replace(g_ema=beta)], eval_every=0)
    expected = [p[1].detach().clone() for p in pop.G.params]
    for _ in range(5):
        pop.step()
        expected = [beta * e + (1 - beta) * p[1].detach() for e, p in zip(expected, pop.G.params)]
    for avg, want, p in zip(pop.G_avg.params, expected, pop.G.params):
        torch.testing.assert_close(avg[1], want)
        assert torch.equal(avg[0], p[0].detach())  # g_ema = 0: the average is G itself
    assert not torch.equal(pop.G_avg.params[0][1], pop.G.params[0][1].detach())
    # members 0 and 1 share the seed: the average does not feed back into training
    pop.flush()
    np.testing.assert_array_equal(pop.histories[0].steps["g_loss"],
                                  pop.histories[1].steps["g_loss"])


def test_g_ema_is_what_metrics_and_the_snapshot_see(tiny):
    run = GANRun(tiny.replace(g_ema=0.99))
    run.advance(30)
    samples = run.population.eval_samples()[0]
    with torch.no_grad():
        raw = run.population.G(run.population.observer.z_eval).numpy()[0]
        avg = run.population.G_avg(run.population.observer.z_eval).numpy()[0]
    np.testing.assert_array_equal(samples, avg)
    assert not np.allclose(samples, raw)
    snap = run.snapshot()
    assert snap.x_fake_avg is not None and not np.allclose(snap.x_fake_avg, snap.x_fake)
    assert GANRun(tiny).snapshot().x_fake_avg is None


def test_turning_g_ema_on_mid_run_starts_the_average_from_g(tiny):
    run = GANRun(tiny)
    run.advance(10)
    run.update(g_ema=0.999)
    pop = run.population
    assert all(torch.equal(a, p.detach()) for a, p in zip(pop.G_avg.params, pop.G.params))
    run.advance(3)
    assert not torch.equal(pop.G_avg.params[0], pop.G.params[0].detach())
