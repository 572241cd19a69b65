"""The relation classifier: one multinomial logistic regression over ordered entity pairs.

Classes are "no relation" and the user's relation labels; a pair is a candidate only when its
two entity types are a pair some relation joined in training (learned from the data), and it
takes the likeliest label its types allow when that label's probability reaches the threshold
(tuned on dev). Fitted with numpy and scipy's L-BFGS (both kg dependencies; scikit-learn scored
the same on CoNLL04 and would add 60 MB and pickled models). Saved without pickle: the weights
as a ``.npy`` array (loaded with ``allow_pickle=False``), everything else as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy

from kg.errors import ModelError

NO_RELATION = "NONE"
WEIGHTS_FILE = "weights.npy"
CONFIG_FILE = "classifier.json"


@dataclass(frozen=True)
class PairClassifier:
    """Weights (one row per feature, one column per class) and how to decide with them."""

    classes: tuple[str, ...]  # NO_RELATION first
    features: tuple[str, ...]  # row i of weights is features[i]
    allowed: dict[str, frozenset[tuple[str, str]]]  # relation label -> (head type, tail type) pairs seen
    threshold: float
    weights: numpy.ndarray
    index: dict[str, int] = field(init=False, repr=False, compare=False)  # feature -> row

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {feature: row for row, feature in enumerate(self.features)})

    @cached_property
    def type_pairs(self) -> frozenset[tuple[str, str]]:
        """The (head, tail) entity types some relation allows: the only pairs worth scoring."""
        return frozenset().union(*self.allowed.values())

    def probabilities(self, pairs: Sequence[Iterable[str]]) -> numpy.ndarray:
        """Each pair's probability of each class, from its features (unknown ones ignored)."""
        index, weights = self.index, self.weights
        scores = numpy.stack([weights[sorted({index[f] for f in features if f in index})].sum(0) for features in pairs])
        return softmax(scores)

    def decide(self, types: Sequence[tuple[str, str]], probabilities: numpy.ndarray,
               threshold: float | None = None) -> list[tuple[str, float] | None]:
        """The label and probability for each pair (by its entity types), or None below the threshold."""
        cut = self.threshold if threshold is None else threshold
        decisions: list[tuple[str, float] | None] = []
        for pair_types, row in zip(types, probabilities, strict=True):
            best = max(((float(row[k]), label) for k, label in enumerate(self.classes)
                        if label != NO_RELATION and pair_types in self.allowed[label]), default=None)
            decisions.append((best[1], best[0]) if best is not None and best[0] >= cut else None)
        return decisions

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        numpy.save(directory / WEIGHTS_FILE, self.weights.astype(numpy.float32), allow_pickle=False)
        config = {"classes": list(self.classes), "threshold": self.threshold,
                  "allowed": {label: sorted(map(list, pairs)) for label, pairs in sorted(self.allowed.items())},
                  "features": list(self.features)}
        (directory / CONFIG_FILE).write_text(json.dumps(config, indent=0, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def load(cls, directory: Path) -> PairClassifier:
        try:
            config = json.loads((directory / CONFIG_FILE).read_text("utf-8"))
            weights = numpy.load(directory / WEIGHTS_FILE, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise ModelError(f"{directory}: cannot read the relation classifier ({error})") from error
        if weights.shape != (len(config["features"]), len(config["classes"])):
            raise ModelError(f"{directory}: {WEIGHTS_FILE} is {weights.shape}, the config names "
                             f"{len(config['features'])} features and {len(config['classes'])} classes")
        return cls(classes=tuple(config["classes"]), features=tuple(config["features"]),
                   allowed={label: frozenset((h, t) for h, t in pairs) for label, pairs in config["allowed"].items()},
                   threshold=float(config["threshold"]), weights=weights.astype(numpy.float64))


def fit(pairs: Sequence[Iterable[str]], labels: Sequence[str], classes: Sequence[str], *, c: float,
        min_count: int = 2) -> tuple[tuple[str, ...], numpy.ndarray]:
    """Features seen at least ``min_count`` times, and weights fitted to the labels.

    Multinomial logistic regression with an L2 penalty of ``|W|² / 2c``, by L-BFGS.
    """
    import scipy.optimize  # training only: a build that uses a model never imports it

    counts: dict[str, int] = {}
    for features in pairs:
        for feature in features:
            counts[feature] = counts.get(feature, 0) + 1
    kept = tuple(sorted(feature for feature, count in counts.items() if count >= min_count))
    x = feature_matrix(pairs, {feature: row for row, feature in enumerate(kept)})
    rows, width = x.shape[0], len(classes)
    y = numpy.zeros((rows, width))
    y[numpy.arange(rows), [classes.index(label) for label in labels]] = 1

    def loss(flat: numpy.ndarray) -> tuple[float, numpy.ndarray]:
        w = flat.reshape(len(kept), width)
        scores = x @ w
        scores -= scores.max(1, keepdims=True)
        log_p = scores - numpy.log(numpy.exp(scores).sum(1, keepdims=True))
        value = -(y * log_p).sum() + 0.5 / c * (w * w).sum()
        gradient = x.T @ (numpy.exp(log_p) - y) + w / c
        return float(value), gradient.ravel()

    result = scipy.optimize.minimize(loss, numpy.zeros(len(kept) * width), jac=True, method="L-BFGS-B",
                                     options={"maxiter": 500})
    # as saved (float32), so the threshold chosen with these weights holds for the loaded model
    return kept, result.x.reshape(len(kept), width).astype(numpy.float32).astype(numpy.float64)


def feature_matrix(pairs: Sequence[Iterable[str]], index: dict[str, int]) -> Any:
    """Pairs as rows of a sparse 0/1 matrix (``scipy.sparse.csr_matrix``) over the indexed features."""
    import scipy.sparse

    pointers, columns = [0], []
    for features in pairs:
        columns.extend(sorted({index[f] for f in features if f in index}))
        pointers.append(len(columns))
    return scipy.sparse.csr_matrix((numpy.ones(len(columns)), columns, pointers), shape=(len(pairs), len(index)))


def softmax(scores: numpy.ndarray) -> numpy.ndarray:
    scores = scores - scores.max(1, keepdims=True)
    exp = numpy.exp(scores)
    return exp / exp.sum(1, keepdims=True)  # type: ignore[no-any-return]

