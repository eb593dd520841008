"""The reference method: how Amsterdam's Signalen classifies Dutch meldingen.

Lower-case text, keep letters, drop Dutch stop words, stem with the Dutch snowball stemmer,
TF-IDF, logistic regression; hyperparameters by grid search with cross-validation on the
training split (as in the City of Amsterdam's published example). Trained on the category
label, which is the baseline's best shot at category macro-F1. Used only for comparison.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import snowballstemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from spacy.lang.nl.stop_words import STOP_WORDS

_NOT_LETTERS = re.compile(r"[^a-zà-ÿ ]+")
_STEMMER = snowballstemmer.stemmer("dutch")

PARAM_GRID: dict[str, list[Any]] = {
    "tfidf__ngram_range": [(1, 1), (1, 2)],
    "clf__C": [1.0, 10.0, 100.0],
    "clf__class_weight": [None, "balanced"],
}


def preprocess(text: str) -> str:
    """Lower-case letters only, stop words removed, each word stemmed."""
    words = _NOT_LETTERS.sub(" ", text.lower()).split()
    return " ".join(_STEMMER.stemWord(w) for w in words if w not in STOP_WORDS)


def train_baseline(texts: Sequence[str], labels: Sequence[str], seed: int = 0) -> Pipeline:
    """Grid-searched TF-IDF + logistic regression, refitted on all of ``texts``."""
    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(preprocessor=preprocess, sublinear_tf=True, min_df=1)),
            ("clf", LogisticRegression(max_iter=2000)),
        ]
    )
    search = GridSearchCV(
        pipeline,
        PARAM_GRID,
        scoring="f1_macro",
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=seed),
        n_jobs=1,
    )
    search.fit(list(texts), list(labels))
    best: Pipeline = search.best_estimator_
    return best


def predict_baseline(model: Pipeline, texts: Sequence[str]) -> list[str]:
    return [str(label) for label in model.predict(list(texts))]
