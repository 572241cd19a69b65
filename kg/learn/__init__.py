"""Learning from a user's own annotations (``kg train``), on CPU, offline, beside the rules.

The rules stay: a trained model adds to them (and a news model checks their statements). Training,
in order:

1. :mod:`~kg.learn.annotations`: annotated sentences or documents read from SpERT JSON or a
   spaCy ``DocBin`` (plain :class:`~kg.learn.annotations.Annotated` records);
2. :mod:`~kg.learn.ner`: the base pipeline's NER fine-tuned with the user's labels, keeping the
   labels kg's rules read, the best epoch kept; it takes the base NER's place in the model;
3. :mod:`~kg.learn.features` and :mod:`~kg.learn.classifier`: a logistic regression over ordered
   entity pairs, whose features are the parse, the words, and the rules' own matches;
4. :mod:`~kg.learn.trained`: the model directory (pipeline, weights as ``.npy`` and JSON, label
   map onto kg's ontology, card) and its loading;

and :mod:`~kg.learn.train` runs them for ``kg train``.

On news-facts annotations (a folder of ``articles.jsonl`` and ``gold.jsonl``), ``kg train`` writes
a **news model** instead, the kind kg ships and uses by default: :mod:`~kg.learn.newsfacts` reads
and aligns the annotations, :mod:`~kg.learn.news` decides which relations hold between the entities
the rules find, :mod:`~kg.learn.newsentities` which of those entities are none or of another class,
:mod:`~kg.learn.newsstatements` which of the rules' statements are wrong, and
:mod:`~kg.learn.newstrain` trains and cross-validates them. Using a model, :mod:`~kg.learn.apply`
adds the trained entities and the classifier's relations to a document's analysis
(:func:`kg.extraction.document.analyse`), and gives ``kg evaluate`` predictions in the model's own
labels.
"""
