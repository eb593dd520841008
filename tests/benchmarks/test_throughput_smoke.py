"""The throughput benchmark's machinery, on a handful of updates (its figures are not checked)."""

from __future__ import annotations

import json

import pytest

from benchmarks import throughput


async def test_both_bots_run_against_the_server_process_and_report_every_figure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(throughput, "prepare_model", lambda _model_dir: "not needed here")
    options = throughput.Options(
        updates=200, warmup=20, rounds=1, echo_users=4, reporters=4, groups=2, members=10
    )

    result = await throughput.run(options)

    for key in (
        "echo_updates_per_s",
        "buurtbot_updates_per_s",
        "ratio",
        "target_ratio",
        "mix_chatter_share",
        "buurtbot_handling_ms_p95",
        "rate_limiter",
    ):
        assert key in result, key
    assert result["benchmark"] == "throughput"
    assert result["echo_updates_per_s"] > 0 and result["buurtbot_updates_per_s"] > 0
    assert result["mix_chatter_share"] > 0 and result["mix_report_step_share"] > 0
    assert result["reports_sent"] >= 1, "the scripted members finish their reports"
    assert result["db_writes_per_report_step"] >= 1, "every report step is a database write"
    assert result["unscripted_answers"] == 0
    [ratio] = result["ratio_rounds"]
    assert ratio == pytest.approx(result["ratio"], abs=0.001), "one round: its ratio is the ratio"
    json.dumps(result)  # the JSON line
    assert "buurtbot #1" in capsys.readouterr().out


def test_options_are_checked() -> None:
    with pytest.raises(SystemExit):
        throughput.parse_args(["--updates", "0"])
    with pytest.raises(SystemExit):
        throughput.parse_args(["--reporters", "500", "--groups", "2", "--members", "10"])
    assert throughput.parse_args(["--updates", "50"]).updates == 50
