"""A trained model's directory: what ``kg train`` writes and ``--model DIR`` loads.

::

    DIR/
      kg-model.json     what it is: format, kg and spaCy versions, base pipeline, feature set,
                        labels and their map onto kg's ontology, threshold, dev scores, data
      pipeline/         the base spaCy pipeline, the trained NER in its NER's place
      classifier/       classifier.json (classes, features, allowed types, threshold), weights.npy
      README.md         the card: data, scores, date, licence note

Nothing is pickled; everything loads offline with spaCy, numpy and JSON. The label map says
which kg class a user's entity label is (``"Peop": "Person"``) and which kg relation a user's
relation label is (``"Work_For": "worksFor"``); an entity label without a class is scored but
adds no node, a relation label without one is read as a verb phrase: kg's lexicon names it
("attack" is ``kg:attacked``), else it is ``kg:relatedTo`` with the label as its verb.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import InputError, ModelError
from kg.learn.classifier import PairClassifier
from kg.learn.features import FEATURES_VERSION
from kg.model import EntityClass
from kg.options import TRAINED_MODEL_META

CLASSIFIER_DIR = "classifier"
CARD_FILE = "README.md"
FORMAT = "kg-trained-model/1"
ENTRY_KINDS = ("entities", "relations")

#: Common spellings of entity labels and the kg class each means (lower case, without "_" and "-").
ENTITY_LABEL_GUESSES = {
    "per": EntityClass.PERSON, "peop": EntityClass.PERSON, "person": EntityClass.PERSON,
    "people": EntityClass.PERSON, "org": EntityClass.ORGANIZATION, "organization": EntityClass.ORGANIZATION,
    "organisation": EntityClass.ORGANIZATION, "company": EntityClass.ORGANIZATION, "loc": EntityClass.PLACE,
    "location": EntityClass.PLACE, "gpe": EntityClass.PLACE, "place": EntityClass.PLACE,
    "country": EntityClass.COUNTRY, "city": EntityClass.CITY, "norp": EntityClass.GROUP, "group": EntityClass.GROUP,
    "event": EntityClass.EVENT,
}
#: Common spellings of relation labels and the kg relation each means; kg's own names match themselves.
RELATION_LABEL_GUESSES = {
    "workfor": "worksFor", "employedby": "worksFor", "kill": "killed", "orgbasedin": "basedIn", "livein": "livesIn",
    "locatedin": "locatedIn", "memberof": "memberOf", "leaderof": "leads",
}


@dataclass(frozen=True)
class LabelMap:
    """The user's labels onto kg's ontology."""

    entities: dict[str, EntityClass | None]
    relations: dict[str, str | None]

    def as_json(self) -> dict[str, dict[str, str | None]]:
        return {"entities": {label: (str(cls) if cls else None) for label, cls in sorted(self.entities.items())},
                "relations": dict(sorted(self.relations.items()))}


def label_map(entity_labels: set[str], relation_labels: set[str], given: dict[str, Any] | None = None,
              source: str = "labels") -> LabelMap:
    """The map of every label: as ``given`` (``{"entities": {...}, "relations": {...}}``), else guessed."""
    from kg.namespace import relation_names

    given = given or {}
    kg_relations = relation_names()
    entities: dict[str, EntityClass | None] = {}
    for label in entity_labels:
        name = given.get("entities", {}).get(label)
        if name is not None and name not in set(EntityClass):
            raise InputError(f"{source}: {name!r} for {label!r} is not a kg class ({', '.join(EntityClass)})")
        entities[label] = EntityClass(name) if name is not None else ENTITY_LABEL_GUESSES.get(_folded(label))
    relations: dict[str, str | None] = {}
    own_names = {_folded(name): name for name in kg_relations}
    for label in relation_labels:
        name = given.get("relations", {}).get(label)
        if name is not None and name not in kg_relations:
            raise InputError(f"{source}: {name!r} for {label!r} is not a kg relation (see ontology/kg.ttl)")
        relations[label] = name if name is not None else \
            RELATION_LABEL_GUESSES.get(_folded(label)) or own_names.get(_folded(label))
    return LabelMap(entities, relations)


def read_label_file(path: Path) -> dict[str, Any]:
    try:
        given = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: cannot read the label map ({error})") from error
    shape = f'{path}: a label map is {{"entities": {{LABEL: CLASS}}, "relations": {{LABEL: RELATION}}}}'
    if not isinstance(given, dict) or not all(isinstance(given.get(key, {}), dict) for key in ENTRY_KINDS):
        raise InputError(shape)
    if not all(isinstance(name, str) for key in ENTRY_KINDS for name in given.get(key, {}).values()):
        raise InputError(shape + ", each CLASS or RELATION one name")
    return given


@dataclass(frozen=True)
class TrainedModel:
    """A loaded model directory: its meta, label map and relation classifier (the pipeline is spaCy's)."""

    directory: Path
    meta: dict[str, Any]
    labels: LabelMap
    classifier: PairClassifier

    @property
    def ner_labels(self) -> dict[str, str]:
        """The trained NER's labels onto the user's (``"PERSON": "Peop"``, or a user label itself)."""
        return dict(self.meta["ner_labels"])


def save_model(directory: Path, *, meta: dict[str, Any], labels: LabelMap, classifier: PairClassifier,
               card: str) -> None:
    """Write everything but the pipeline (which spaCy writes) into the model directory."""
    classifier.save(directory / CLASSIFIER_DIR)
    meta = {"format": FORMAT, "features_version": FEATURES_VERSION, **meta, "labels": labels.as_json()}
    (directory / TRAINED_MODEL_META).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", "utf-8")
    (directory / CARD_FILE).write_text(card, "utf-8")


@lru_cache(maxsize=4)
def load_model(directory: str) -> TrainedModel:
    """The model in ``directory``, loaded once per process; warns when kg's features have changed since."""
    path = Path(directory)
    try:
        meta = json.loads((path / TRAINED_MODEL_META).read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: not a model kg train wrote ({error})") from error
    if meta.get("format") != FORMAT:
        raise ModelError(f"{path}: format {meta.get('format')!r}; this kg reads {FORMAT!r}")
    if meta.get("features_version") != FEATURES_VERSION:
        warnings.warn(f"{path} was trained with kg's feature set {meta.get('features_version')}, this kg makes "
                      f"{FEATURES_VERSION}: its relations may be worse until it is trained again", stacklevel=2)
    given = meta["labels"]
    labels = LabelMap({label: (EntityClass(cls) if cls else None) for label, cls in given["entities"].items()},
                      dict(given["relations"]))
    return TrainedModel(path, meta, labels, PairClassifier.load(path / CLASSIFIER_DIR))


def _folded(label: str) -> str:
    return label.lower().replace("_", "").replace("-", "").replace(" ", "")
