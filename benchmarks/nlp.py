"""NLP figures: quality on held-out vs the Signalen method, speed, size, load time, training time.

Run: ``.venv/bin/python benchmarks/nlp.py`` (about two minutes). The last line of the output is
one JSON object with every figure. The model is trained afresh into a temporary directory, so
the measurement never depends on (or disturbs) var/model.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# Run as a script, this file's directory comes first on sys.path and this very file would
# shadow the ``nlp`` package; put the repository first instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))

from nlp.analyzer import Analyzer  # noqa: E402
from nlp.baseline import predict_baseline, train_baseline  # noqa: E402
from nlp.corpus import HELDOUT_DIR, TRAIN_DIR, load_messages  # noqa: E402
from nlp.evaluation import EVAL_SENT_AT, evaluate, macro_f1  # noqa: E402
from nlp.training import train  # noqa: E402

THROUGHPUT_MESSAGES = 20_000
LATENCY_MESSAGES = 2_000

_LOAD_PROBE = """
import sys, time, json, psutil
import nlp.analyzer
started = time.perf_counter()
analyzer = nlp.analyzer.Analyzer.load(sys.argv[1])
seconds = time.perf_counter() - started
analyzer.analyze("warm-up: er staat een verdachte man bij de Jumbo")
print(json.dumps({"load_s": seconds, "rss_mb": psutil.Process().memory_info().rss / 2**20}))
"""


def main() -> int:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="buurtbot-bench-") as tmp:
        model_dir = Path(tmp) / "model"
        started = time.perf_counter()
        report = train(model_dir, seed=0)
        figures["train_s"] = round(time.perf_counter() - started, 1)
        print(report.render(), "\n")
        figures["model_mb"] = round(_size(model_dir) / 2**20, 2)

        quality = evaluate(model_dir)
        print(quality.render(), "\n")
        figures["heldout_macro_f1"] = quality.macro_f1
        figures["heldout_accuracy"] = quality.accuracy
        figures["heldout_f1"] = {label: s.f1 for label, s in quality.per_label.items()}
        figures["urgency_recall"] = quality.urgency_recall
        figures["urgency_precision"] = quality.urgency_precision
        figures["subcategory_accuracy"] = quality.subcategory_accuracy

        figures.update(_baseline())
        figures["macro_f1_gain_over_baseline"] = round(
            figures["heldout_macro_f1"] - figures["baseline_macro_f1"], 4
        )

        probe = _load_probe(model_dir)
        figures["load_s"] = round(probe["load_s"], 3)
        figures["rss_after_load_mb"] = round(probe["rss_mb"], 1)

        analyzer = Analyzer.load(model_dir)
        figures.update(_throughput(analyzer))
        figures.update(_latency(analyzer))

    print(
        f"held-out macro-F1 {figures['heldout_macro_f1']:.3f} "
        f"(Signalen method {figures['baseline_macro_f1']:.3f}); "
        f"urgency recall {figures['urgency_recall']:.3f}, "
        f"precision {figures['urgency_precision']:.3f}"
    )
    print(
        f"throughput {figures['throughput_msgs_per_s']:.0f} msg/s with 2 processes, "
        f"{figures['throughput_1proc_msgs_per_s']:.0f} msg/s in one; "
        f"single message median {figures['single_median_ms']:.3f} ms"
    )
    print(
        f"model {figures['model_mb']} MB, load {figures['load_s']} s, "
        f"training {figures['train_s']} s, RSS after load {figures['rss_after_load_mb']} MB"
    )
    print(json.dumps(figures, sort_keys=True))
    return 0


def _baseline() -> dict[str, Any]:
    """The Signalen method trained on the same training split, scored on held-out."""
    train_set = load_messages(TRAIN_DIR)
    heldout = load_messages(HELDOUT_DIR)
    started = time.perf_counter()
    model = train_baseline([m.text for m in train_set], [m.category for m in train_set])
    seconds = time.perf_counter() - started
    guess = predict_baseline(model, [m.text for m in heldout])
    score = macro_f1([m.category for m in heldout], guess)
    print(f"Signalen method (TF-IDF + logistic regression): held-out macro-F1 {score:.3f}\n")
    return {"baseline_macro_f1": round(score, 4), "baseline_train_s": round(seconds, 1)}


def _throughput(analyzer: Analyzer) -> dict[str, float]:
    texts = [m.text for m in load_messages(HELDOUT_DIR)]
    items = [(texts[i % len(texts)], EVAL_SENT_AT) for i in range(THROUGHPUT_MESSAGES)]
    analyzer.analyze_many(items[:2000])  # warm the per-word caches, as in a running bot
    out: dict[str, float] = {}
    for workers, key in ((1, "throughput_1proc_msgs_per_s"), (2, "throughput_msgs_per_s")):
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            results = analyzer.analyze_many(items, workers=workers)
            for result in results:
                result.to_dict()  # full analysis: the JSON a caller would print
            best = max(best, len(items) / (time.perf_counter() - started))
        out[key] = round(best)
    return out


def _latency(analyzer: Analyzer) -> dict[str, float]:
    texts = [m.text for m in load_messages(HELDOUT_DIR)][:LATENCY_MESSAGES]
    timings = []
    for text in texts:
        started = time.perf_counter()
        analyzer.analyze(text, EVAL_SENT_AT).to_dict()
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "single_median_ms": round(statistics.median(timings) * 1000, 3),
        "single_p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 3),
    }


def _load_probe(model_dir: Path) -> dict[str, float]:
    """Load time and memory of a fresh process that only loads the model."""
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_PROBE, str(model_dir)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


if __name__ == "__main__":
    raise SystemExit(main())
