"""Sweeps run to the end with a results file (`sweep --out`, `runner.run_sweep`): how a sweep
is split into populations, records streamed as populations finish, resume, an interrupted
write, and that none of it imports ray."""

import json
import pathlib
import subprocess
import sys

import pytest

from playground.__main__ import main
from playground.records import json_safe
from playground.results import ResultsFile, parse_records
from playground.runner import run_sweep
from playground.sweeps import Sweep, expand_grid, plan

ROOT = pathlib.Path(__file__).resolve().parents[1]
TINY_FLAGS = ["--hidden", "16", "--depth", "2", "--batch-size", "32", "--device", "cpu",
              "--steps", "20", "--eval-every", "10"]


def without_seconds(records):
    """Records as compared across executors: `seconds` is wall time, not a result."""
    return json_safe([{k: v for k, v in r.items() if k != "seconds"} for r in records])


def grid(tiny, seeds=(0, 1, 2)):
    return expand_grid(tiny, {"loss": ["minimax", "nonsaturating"]}, list(seeds))


def test_plan_splits_structures_by_seeds_and_never_leaves_a_run_alone(tiny):
    cells = expand_grid(tiny, {"batch_size": [16, 32], "loss": ["minimax", "nonsaturating"]},
                        [0, 1, 2])
    assert plan(cells) == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]  # one per batch size
    split = plan(cells, 4)  # two variants per seed: two seeds fit, the third starts anew
    assert split == [[0, 1, 3, 4], [2, 5], [6, 7, 9, 10], [8, 11]]
    for chunk in plan(cells, 1):  # a seed's variants stay together even above max_runs
        assert len({cells[i].config.seed for i in chunk}) == 1 and len(chunk) == 2
    one_variant = expand_grid(tiny, {"loss": ["minimax"]}, [0, 1, 2])
    assert plan(one_variant, 2) == [[0, 1, 2]]  # a lone last seed joins the one before
    assert plan(one_variant[:1], 1) == [[0]]  # a structure of one run stays one run
    with pytest.raises(ValueError, match="max_runs"):
        plan(cells, 0)


def test_a_split_sweep_trains_the_same_runs(tiny):
    cells = grid(tiny)
    whole = Sweep(cells, 20, eval_every=10).run()
    split = Sweep(cells, 20, eval_every=10, max_runs=2)
    assert len(split.populations) == 3
    assert without_seconds(split.run()) == without_seconds(whole)


def test_records_stream_to_the_file_and_a_rerun_skips_them(tiny, tmp_path):
    out = tmp_path / "results.jsonl"
    cells = grid(tiny)
    seen = []
    first = run_sweep(cells, 20, eval_every=10, out=str(out), max_runs=2, progress=seen.append)
    reference = Sweep(cells, 20, eval_every=10, max_runs=2).run()
    assert without_seconds(first.records) == without_seconds(reference)
    lines = out.read_text().splitlines()
    assert len(lines) == 6 and all(json.loads(line)["steps"] == 20 for line in lines)
    # runs finished population by population, and the model-steps add up to the sweep's
    assert list(dict.fromkeys(p.runs_done for p in seen)) == [0, 2, 4, 6]
    assert seen[-1].model_steps == seen[-1].model_steps_total == 6 * 20
    again = run_sweep(cells, 20, eval_every=10, out=str(out), max_runs=2)
    assert (again.resumed, again.populations) == (6, 0)
    assert again.records == first.records and len(out.read_text().splitlines()) == 6
    more = run_sweep(grid(tiny, (0, 1, 2, 3)), 20, eval_every=10, out=str(out), max_runs=2)
    assert (more.resumed, more.populations, len(more.records)) == (6, 1, 8)


def test_an_interrupted_sweep_leaves_whole_records_and_resumes(tiny, tmp_path):
    out = tmp_path / "results.jsonl"
    cells = grid(tiny)

    def interrupt_after_first_population(p):
        if p.runs_done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(cells, 20, eval_every=10, out=str(out), max_runs=2,
                  progress=interrupt_after_first_population)
    assert len(parse_records(out.read_text())[0]) == 2
    with out.open("a") as fh:  # a crash in the middle of a write leaves half a line
        fh.write('{"variant": "NS", "conf')
    records, torn = parse_records(out.read_text())
    assert len(records) == 2 and torn
    rest = run_sweep(cells, 20, eval_every=10, out=str(out), max_runs=2)
    assert (rest.resumed, rest.populations) == (2, 2)
    in_file, torn = parse_records(out.read_text())
    assert not torn and sorted(in_file, key=json.dumps) == sorted(rest.records, key=json.dumps)
    reference = Sweep(cells, 20, eval_every=10, max_runs=2).run()
    assert without_seconds(rest.records) == without_seconds(reference)


def test_a_results_file_holds_one_sweep(tiny, tmp_path):
    out = tmp_path / "results.jsonl"
    run_sweep(grid(tiny, (0, 1)), 20, eval_every=10, out=str(out))
    with pytest.raises(ValueError, match="holds runs of 20 steps; this sweep trains 30"):
        run_sweep(grid(tiny, (0, 1)), 30, eval_every=10, out=str(out))
    with pytest.raises(ValueError, match="not part of this sweep"):
        run_sweep(grid(tiny, (0,)), 20, eval_every=10, out=str(out))
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(ValueError, match="JSON list"):
        ResultsFile(str(tmp_path / "list.json"))


def test_parse_records_names_the_bad_line():
    record = {"variant": "NS", "config": {}, "steps": 1, "seconds": 0.1, "device": "cpu",
              "metrics": {}, "verdict": {"label": "training"}, "steps_to_convergence": None}
    good = json.dumps(record)
    assert parse_records(f"{good}\n\n{good}\n") == ([record, record], False)
    assert parse_records(json.dumps([record])) == ([record], False)  # `sweep --json` output
    with pytest.raises(ValueError, match="line 2: not valid JSON"):
        parse_records(f"{good}\n{{oops\n{good}\n")
    with pytest.raises(ValueError, match="line 1: not a sweep record"):
        parse_records('{"variant": "NS"}\n')


def test_sweep_command_out_streams_and_resumes(capsys, tmp_path):
    out = tmp_path / "results.jsonl"
    argv = ["sweep", "--loss", "minimax,nonsaturating", "--seeds", "2", *TINY_FLAGS,
            "--out", str(out), "--json"]
    assert main(argv) == 0
    records = json.loads(capsys.readouterr().out)
    assert [json.loads(line) for line in out.read_text().splitlines()] == records
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == records
    assert "4 of 4 runs were already in" in captured.err
    assert main([*argv[:-1], "--max-runs", "0"]) == 2
    assert main(["sweep", *TINY_FLAGS, "--max-runs", "2"]) == 2
    assert "--max-runs: only with --out or --ray" in capsys.readouterr().err


def test_sweep_command_progress_and_summary(capsys, tmp_path):
    out = tmp_path / "results.jsonl"
    assert main(["sweep", "--loss", "minimax,nonsaturating", "--seeds", "2", *TINY_FLAGS,
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "4/4 runs" in captured.err and "model-steps/s, ETA" in captured.err
    assert "4 runs, 20 steps each" in captured.out and "NS vs minimax" in captured.out


def test_ray_is_not_imported_without_the_flag_nor_any_ui_module(tmp_path):
    code = (
        "import sys\n"
        "from playground.__main__ import main\n"
        "import playground.runner, playground.sweeps, playground.results\n"
        f"assert main(['sweep', '--seeds', '2', *{TINY_FLAGS!r}, '--json',"
        f" '--out', {str(tmp_path / 'r.jsonl')!r}]) == 0\n"
        "bad = sorted(m for m in ('ray', 'streamlit', 'plotly') if m in sys.modules)\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
