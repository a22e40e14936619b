"""The Playground's replay record (playground/replay.py) and the throughput meter the pages
show (playground/throughput.py): pure code, tested without Streamlit or training."""

from dataclasses import dataclass

import pytest

from playground.replay import REPLAY_FIRST_EVERY, Replay
from playground.throughput import Throughput


@dataclass
class FakeRun:  # what Replay needs of a GANRun: a step count and a snapshot of it
    step_count: int = 0
    taken: int = 0

    def snapshot(self):
        self.taken += 1
        return FakeSnapshot(self.step_count, self.taken)


@dataclass
class FakeSnapshot:
    step: int
    version: int


def test_the_replay_keeps_a_bounded_record_spanning_the_whole_run():
    run, replay = FakeRun(), Replay(limit=10)
    for step in range(0, 5000):
        run.step_count = step
        replay.offer(run)
    steps = [f.step for f in replay.frames]
    assert len(steps) <= 10 and steps[0] == 0
    assert steps[-1] >= 5000 - replay.every  # the record reaches the end of the run
    gaps = {b - a for a, b in zip(steps, steps[1:])}
    assert gaps == {replay.every // 2} or gaps == {replay.every}  # evenly spaced
    assert replay.every > REPLAY_FIRST_EVERY  # the spacing doubled as it filled


def test_the_replay_skips_offers_closer_than_its_spacing():
    run, replay = FakeRun(), Replay(every=25)
    for step in (0, 10, 24, 25, 30, 50):
        run.step_count = step
        replay.offer(run)
    assert [f.step for f in replay.frames] == [0, 25, 50]


def test_retake_replaces_only_the_frame_of_the_current_step():
    run, replay = FakeRun(), Replay()
    replay.offer(run)
    replay.retake(run)
    assert [(f.step, f.version) for f in replay.frames] == [(0, 2)]
    run.step_count = 7  # no frame of step 7: nothing to retake
    replay.retake(run)
    assert [(f.step, f.version) for f in replay.frames] == [(0, 2)]


def test_throughput_over_the_window_of_ticks():
    meter = Throughput(window=3)
    assert meter.rate() is None and meter.busy_fraction() is None and meter.eta(10) is None
    meter.tick(10.0, 0, busy=0.5)
    assert meter.rate() is None  # one tick is no interval yet
    meter.tick(11.0, 100, busy=0.8)
    meter.tick(12.0, 300, busy=0.6)
    assert meter.rate() == pytest.approx(150.0)  # 300 steps in 2 s
    assert meter.busy_fraction() == pytest.approx(0.7)  # the first tick is before the window
    assert meter.eta(600) == pytest.approx(4.0)
    meter.tick(14.0, 400)  # the oldest tick leaves the window
    assert meter.rate() == pytest.approx(100.0)
    meter.clear()
    assert meter.rate() is None


def test_throughput_without_progress_has_no_time_left():
    meter = Throughput()
    meter.tick(1.0, 50)
    meter.tick(2.0, 50)
    assert meter.rate() == 0 and meter.eta(100) is None
