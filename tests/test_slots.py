"""The server-wide training slots (playground.ui.session): how many, and who waits."""

from __future__ import annotations

import threading
import time

import pytest

from playground.ui import session


def test_one_slot_per_process_unless_the_environment_sets_it(monkeypatch):
    monkeypatch.delenv("PLAYGROUND_TRAINING_SLOTS", raising=False)
    assert session._slot_count() == 1
    monkeypatch.setenv("PLAYGROUND_TRAINING_SLOTS", " 3 ")
    assert session._slot_count() == 3
    for bad in ("0", "two", "-1", "1.5"):
        monkeypatch.setenv("PLAYGROUND_TRAINING_SLOTS", bad)
        with pytest.raises(ValueError, match="PLAYGROUND_TRAINING_SLOTS"):
            session._slot_count()


def test_a_session_waits_while_every_slot_is_taken_and_a_click_stops_the_wait(monkeypatch):
    monkeypatch.setattr(session, "_slots", threading.BoundedSemaphore(1))
    held, release = threading.Event(), threading.Event()

    def other_session():
        with session.training_slot(5.0, lambda: False) as got:
            assert got
            held.set()
            release.wait(30)

    t = threading.Thread(target=other_session)
    t.start()
    assert held.wait(30)
    with session.training_slot(0.05, lambda: False) as got:  # times out
        assert not got
    clicked = threading.Event()
    clicked.set()
    start = time.monotonic()
    with session.training_slot(60.0, clicked.is_set) as got:  # a click ends the wait
        assert not got
    assert time.monotonic() - start < 30  # long before the 60 s the wait allowed
    release.set()
    t.join(30)
    with session.training_slot(5.0, lambda: False) as got:  # free again
        assert got
