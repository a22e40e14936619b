"""A run's mid-run changes: recorded, carried by a link of bounded length, and replayed step for
step (the replayed run's history equals the original's, row for row)."""

import pytest

from playground import GANRun, TrainConfig
from playground.changes import (
    CHANGES_PARAM,
    STEP_PARAM,
    Change,
    ChangeLog,
    Plan,
    decode,
    link_params,
    replay,
    settings_change,
)

TINY = TrainConfig(hidden=16, depth=2, batch_size=32, loss="minimax", device="cpu")


def test_a_settings_change_holds_only_what_changed():
    after = TINY.replace(loss="nonsaturating", lr_g=2e-3, hidden=32)  # hidden is no live field
    change = settings_change(864, TINY, after)
    assert change == Change(864, settings=(("loss", "nonsaturating"), ("lr_g", 2e-3)))
    assert settings_change(5, TINY, TINY) is None


def test_changes_travel_as_one_readable_parameter_and_come_back_the_same():
    log = ChangeLog(TINY)
    log.record(Change(864, settings=(("loss", "nonsaturating"),)))
    log.record(Change(1200, half="D"))
    log.record(Change(1201, half="G"))
    log.record(Change(1500, settings=(("r1_gamma", 0.1), ("lr_g", 0.002))))
    text, cut = log.encode()
    assert cut is None
    assert text == "864:loss=nonsaturating~1200:D~1201:G~1500:r1_gamma=0.1,lr_g=0.002"
    assert decode(text, TINY) == (log.changes, [])
    assert log.config_at(1499).loss == "nonsaturating" and log.config_at(1499).r1_gamma == 0
    assert log.config_at(1500).r1_gamma == 0.1


@pytest.mark.parametrize("text, problem", [
    ("10:loss=hinge2", "loss"),
    ("10:lr_g=99", "lr_g"),
    ("10:hidden=64", "cannot change mid-run"),
    ("2:D", "must not decrease"),
    ("ten:D", "not an integer"),
    ("10:lr_d=fast", "lr_d: expected a number in [1e-07, 10]"),
    ("10", "expected STEP:CHANGE"),
])
def test_a_bad_change_stops_the_replay_there_and_is_named(text, problem):
    changes, problems = decode("3:G~" + text, TINY)
    assert changes == [Change(3, half="G")]  # the good change before it is kept
    assert len(problems) == 1 and problem in problems[0] and "change 2" in problems[0]


def test_a_link_stays_bounded_and_says_up_to_which_step_it_replays():
    log = ChangeLog(TINY)
    for i in range(400):
        log.record(Change(10 * i, settings=(("lr_g", 1e-3 if i % 2 else 2e-3),)))
    params, note = link_params(log, step=5000, max_chars=300)
    assert len(params[CHANGES_PARAM]) <= 300
    kept, _ = decode(params[CHANGES_PARAM], TINY)
    first_left_out = log.changes[len(kept)].step
    assert kept == log.changes[:len(kept)] and params[STEP_PARAM] == str(first_left_out)
    assert f"up to step {first_left_out:,}" in note and f"{400 - len(kept)} later" in note
    # everything fits: the link replays to the step it was shared at, and says nothing
    params, note = link_params(ChangeLog(TINY, log.changes[:3]), step=5000)
    assert params[STEP_PARAM] == "5000" and note is None


def test_a_plan_stops_a_run_exactly_at_each_change():
    plan = Plan([Change(40, half="D"), Change(41, settings=(("loss", "nonsaturating"),))],
                stop=60)
    assert plan.bound(0) == 40 and plan.bound(39) == 1
    run, log = GANRun(TINY, eval_every=10), ChangeLog(TINY)
    run.advance(40)
    assert [c.step for c in plan.apply_due(run, log)] == [40, 41]  # the half step, then 41's
    assert run.step_count == 41 and run.config.loss == "nonsaturating"
    assert plan.finished and plan.bound(41) == 19 and log.changes[0] == Change(40, half="D")
    run.advance(19)
    assert plan.bound(60) == 0  # at the step it replays to


def test_a_run_replayed_from_its_link_has_the_same_history_row_for_row():
    original = GANRun(TINY, eval_every=10)
    log = ChangeLog(TINY)
    original.advance(37)
    new = original.config.replace(loss="nonsaturating", r1_gamma=0.1)
    log.record(settings_change(original.step_count, original.config, new))
    original.update(loss="nonsaturating", r1_gamma=0.1)
    original.advance(20)
    for d, g in ((True, False), (False, True), (True, False)):
        log.record(Change(original.step_count, half="D" if d else "G"))
        original.step(d=d, g=g)
    original.advance(11)
    log.record(Change(original.step_count, settings=(("lr_d", 2e-3), ("g_ema", 0.99))))
    original.update(lr_d=2e-3, g_ema=0.99)
    original.advance(25)

    params, note = link_params(log, original.step_count)
    assert note is None
    changes, problems = decode(params[CHANGES_PARAM], TINY)
    assert not problems
    replayed = GANRun(TINY, eval_every=10)
    replay(replayed, changes, int(params[STEP_PARAM]))
    assert replayed.step_count == original.step_count == 96
    assert replayed.history.to_csv() == original.history.to_csv()
    assert replayed.config == original.config
    # without the changes the same link would not reproduce it
    plain = GANRun(TINY, eval_every=10)
    plain.advance(96)
    assert plain.history.to_csv() != original.history.to_csv()
