"""The Compare page opens a sweep's results file (`sweep --out results.jsonl` or `--json`
output) and shows its summary and paired differences; a bad file is one clear error."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from playground import TrainConfig
from playground.runner import run_sweep
from playground.sweeps import expand_grid, summary
from playground.ui.text import escape

APP = "../app.py"  # relative to this file


@pytest.fixture(scope="module")
def results_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "results.jsonl"
    tiny = TrainConfig(hidden=16, depth=2, batch_size=32, device="cpu")
    cells = expand_grid(tiny, {"loss": ["minimax", "nonsaturating"], "r1_gamma": [0.0, 1.0]},
                        [0, 1])
    run_sweep(cells, 20, eval_every=10, out=str(out))
    return out.read_bytes()


def open_file(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/compare.py").run()
    at.get("file_uploader")[0].set_value((name, data, "application/json")).run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_a_results_file_shows_the_summary_and_paired_differences(results_file):
    at = open_file("results.jsonl", results_file)
    records = [json.loads(line) for line in results_file.decode().splitlines()]
    summary_table, differences = (table.value for table in at.table)
    assert list(summary_table["variant"]) == [row["variant"] for row in summary(records)]
    assert list(summary_table["runs"]) == [2, 2, 2, 2]
    assert differences["pair (b vs a)"].nunique() == 6  # every pair of the 4 variants
    assert "8 runs: 4 variants, 2 seeds, 20 steps each." in captions(at)
    (chosen,) = [m for m in at.multiselect if m.key.startswith("compare.results_variants")]
    chosen.set_value(chosen.value[:2]).run()
    assert list(at.table[0].value["runs"]) == [2, 2]
    assert at.table[1].value["pair (b vs a)"].nunique() == 1


def test_the_json_list_of_sweep_json_opens_too(results_file):
    records = [json.loads(line) for line in results_file.decode().splitlines()]
    at = open_file("runs.json", json.dumps(records).encode())
    assert list(at.table[0].value["runs"]) == [2, 2, 2, 2]


def test_an_interrupted_last_line_is_left_out_and_said(results_file):
    at = open_file("results.jsonl", results_file + b'{"variant": "NS", "con')
    assert list(at.table[0].value["runs"]) == [2, 2, 2, 2]
    assert "last line was cut off" in captions(at)


def test_a_file_that_is_not_sweep_results_is_one_error(results_file):
    bad = results_file.replace(b"\n", b"\n{oops\n", 1)
    at = open_file("results.jsonl", bad)
    assert escape("line 2: not valid JSON") in at.error[0].value
    assert not at.table
    at = open_file("other.json", b'{"hello": 1}\n')
    assert escape("line 1: not a sweep record") in at.error[0].value
