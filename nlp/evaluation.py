"""Quality on the held-out split: per-label precision/recall/F1, confusion matrix, urgency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nlp.corpus import HELDOUT_DIR, Message, load_messages
from nlp.taxonomy import LABELS
from nlp.times import AMSTERDAM

# Held-out messages are analysed as if sent at this moment, so runs are comparable.
EVAL_SENT_AT = datetime(2026, 11, 18, 14, 0, tzinfo=AMSTERDAM)


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvalReport:
    """Held-out quality of one model."""

    model_dir: str
    examples: int
    labels: list[str]
    per_label: dict[str, LabelScore]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]  # rows: gold label, columns: predicted label (order of labels)
    urgency_precision: float
    urgency_recall: float
    urgent_examples: int
    subcategory_accuracy: float
    subcategory_macro_f1: float
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render(self) -> str:
        width = max(len(label) for label in self.labels) + 2
        lines = [
            f"Held-out evaluation of {self.model_dir} ({self.examples} messages)",
            "",
            f"{'label':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}",
        ]
        for label in self.labels:
            score = self.per_label[label]
            lines.append(
                f"{label:<{width}}{score.precision:>10.3f}{score.recall:>10.3f}"
                f"{score.f1:>10.3f}{score.support:>10d}"
            )
        lines += [
            f"{'macro-F1':<{width}}{'':>20}{self.macro_f1:>10.3f}",
            f"{'accuracy':<{width}}{'':>20}{self.accuracy:>10.3f}",
            "",
            "Confusion matrix (rows: gold, columns: predicted)",
            " " * width + "".join(f"{label:>15}" for label in self.labels),
        ]
        for label, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"{label:<{width}}" + "".join(f"{n:>15d}" for n in row))
        lines += [
            "",
            f"Urgency (112): precision {self.urgency_precision:.3f}, "
            f"recall {self.urgency_recall:.3f} ({self.urgent_examples} urgent messages)",
            f"Subcategory: accuracy {self.subcategory_accuracy:.3f}, "
            f"macro-F1 {self.subcategory_macro_f1:.3f} (on messages with a correct category)",
        ]
        return "\n".join(lines)


def evaluate(model_dir: Path | str, heldout_dir: Path = HELDOUT_DIR) -> EvalReport:
    """Analyse the held-out split with the model in ``model_dir`` and score it."""
    from nlp.analyzer import Analyzer  # imported here: spaCy loads only when evaluating

    messages = load_messages(heldout_dir)
    analyzer = Analyzer.load(model_dir)
    results = analyzer.analyze_many((m.text, EVAL_SENT_AT) for m in messages)
    predicted = [(r.category, r.subcategory, r.urgent) for r in results]
    return score(str(model_dir), messages, predicted)


def score(
    model_dir: str,
    messages: Sequence[Message],
    predicted: Sequence[tuple[str, str | None, bool]],
) -> EvalReport:
    """Metrics for predictions (category, subcategory, urgent) against the gold messages."""
    gold = [m.category for m in messages]
    guess = [p[0] for p in predicted]
    per_label = {label: label_score(gold, guess, label) for label in LABELS}
    confusion = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, guess, strict=True):
        confusion[LABELS.index(g)][LABELS.index(p)] += 1
    urgent_gold = [m.urgent for m in messages]
    urgent_guess = [p[2] for p in predicted]
    true_positive = sum(g and p for g, p in zip(urgent_gold, urgent_guess, strict=True))
    sub_pairs = [
        (m.joint_label, f"{p[0]}/{p[1]}")
        for m, p in zip(messages, predicted, strict=True)
        if m.category == p[0] and m.subcategory is not None
    ]
    sub_labels = sorted({g for g, _ in sub_pairs})
    sub_gold = [g for g, _ in sub_pairs]
    sub_guess = [p for _, p in sub_pairs]
    return EvalReport(
        model_dir=model_dir,
        examples=len(messages),
        labels=list(LABELS),
        per_label=per_label,
        macro_f1=round(sum(s.f1 for s in per_label.values()) / len(LABELS), 4),
        accuracy=round(_ratio(sum(g == p for g, p in zip(gold, guess, strict=True)), len(gold)), 4),
        confusion=confusion,
        urgency_precision=round(_ratio(true_positive, sum(urgent_guess)), 4),
        urgency_recall=round(_ratio(true_positive, sum(urgent_gold)), 4),
        urgent_examples=sum(urgent_gold),
        subcategory_accuracy=round(
            _ratio(sum(g == p for g, p in zip(sub_gold, sub_guess, strict=True)), len(sub_pairs)), 4
        ),
        subcategory_macro_f1=round(
            _ratio(
                sum(label_score(sub_gold, sub_guess, s).f1 for s in sub_labels), len(sub_labels)
            ),
            4,
        ),
    )


def label_score(gold: Sequence[str], guess: Sequence[str], label: str) -> LabelScore:
    true_positive = sum(g == label and p == label for g, p in zip(gold, guess, strict=True))
    predicted = sum(p == label for p in guess)
    support = sum(g == label for g in gold)
    precision = _ratio(true_positive, predicted)
    recall = _ratio(true_positive, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return LabelScore(round(precision, 4), round(recall, 4), round(f1, 4), support)


def macro_f1(gold: Sequence[str], guess: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    return sum(label_score(gold, guess, label).f1 for label in labels) / len(labels)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
