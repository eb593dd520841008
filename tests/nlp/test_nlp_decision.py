"""From model scores to a category: summing, averaging the hierarchical estimate, subcategory."""

from __future__ import annotations

import numpy as np

from nlp.decision import Scores, category_name, category_probabilities, decide
from nlp.pipeline import category_labels, joint_labels, subcategory_labels

SUBS = subcategory_labels()


def sub_probs(label: str) -> np.ndarray:
    row = np.full(len(SUBS), 0.01 / (len(SUBS) - 1))
    row[SUBS.index(label)] = 0.99
    return row[None, :]


def test_hierarchical_estimate_is_averaged_with_the_flat_one() -> None:
    scores = Scores(
        labels=category_labels(),
        label_probs=np.array([[0.4, 0.2, 0.1, 0.3]]),
        subcategory_labels=SUBS,
        subcategory_probs=sub_probs("zorg/onwel"),
        urgency=np.array([0.9]),
        signal_probs=np.array([[0.8, 0.2]]),
    )
    probs = category_probabilities(scores)
    assert np.allclose(probs.sum(axis=1), 1.0)
    # flat says criminaliteit 0.4; hierarchical says zorg 0.8 * 0.99: zorg wins on average
    decisions = decide(scores)
    assert category_name(int(decisions.category_index[0])) == "zorg"
    assert decisions.subcategory == ["onwel"]


def test_geen_has_no_subcategory() -> None:
    scores = Scores(
        labels=category_labels(),
        label_probs=np.array([[0.1, 0.1, 0.1, 0.7]]),
        subcategory_labels=SUBS,
        subcategory_probs=sub_probs("overlast/afval"),
        urgency=np.array([0.0]),
    )
    decisions = decide(scores)
    assert category_name(int(decisions.category_index[0])) == "geen"
    assert decisions.subcategory == [None]
    assert abs(float(decisions.confidence[0]) - 0.7) < 1e-6


def test_joint_labels_are_summed_per_category() -> None:
    labels = joint_labels()
    probs = np.zeros((1, len(labels)))
    # three overlast subcategories at 0.2 beat one criminaliteit subcategory at 0.3
    for label in ("overlast/geluid", "overlast/jongeren", "overlast/afval"):
        probs[0, labels.index(label)] = 0.2
    probs[0, labels.index("criminaliteit/inbraak")] = 0.3
    probs[0, labels.index("geen")] = 0.1
    scores = Scores(labels, probs, [], None, np.array([0.0]))
    decisions = decide(scores)
    assert category_name(int(decisions.category_index[0])) == "overlast"
    assert decisions.subcategory[0] in {"geluid", "jongeren", "afval"}
    assert abs(float(decisions.confidence[0]) - 0.6) < 1e-6


def test_empty_batch() -> None:
    scores = Scores(
        category_labels(), np.zeros((0, 4)), SUBS, np.zeros((0, len(SUBS))), np.zeros(0)
    )
    assert decide(scores).subcategory == []


def test_urgent_needs_the_threshold_and_a_signal() -> None:
    scores = Scores(
        labels=category_labels(),
        label_probs=np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7], [0.7, 0.1, 0.1, 0.1]]),
        subcategory_labels=SUBS,
        subcategory_probs=np.vstack([sub_probs("criminaliteit/inbraak")] * 3),
        urgency=np.array([0.9, 0.9, 0.1]),
    )
    assert decide(scores, urgency_threshold=0.5).urgent.tolist() == [True, False, False]
    assert decide(scores, urgency_threshold=0.05).urgent.tolist() == [True, False, True]
