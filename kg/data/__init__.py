"""What kg knows about words, as data files in this folder, and the modules that read them.

Analysts extend the files without touching the rules. Reading them lives here, below every
stage, so that any layer (the extraction rules, resolution, the RDF triples) may use the data
without importing another stage:

- :mod:`~kg.data.words`: the named word lists (``words.json``) and word-to-class tables
  (``classes.json``), and :func:`~kg.data.words.load_json` for any file here;
- :mod:`~kg.data.gazetteer`: places, aliases, US states and demonyms;
- :mod:`~kg.data.core_rules`: the confidence of each rule written as code (``rules/core.json``).

The pattern rows (``rules/*.jsonl``) are read by the engine that runs them
(:mod:`kg.extraction.patterns.rows`), the lexicon by :mod:`kg.resolution.predicates`, the shipped
news model (``models/news``) by :mod:`kg.learn.trained`.
"""
