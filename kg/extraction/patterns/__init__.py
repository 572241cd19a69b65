"""The pattern engine: kg's pattern rows (``kg/data/rules/*.jsonl``) run over a parsed document.

A row is data: a spaCy ``Matcher`` or ``DependencyMatcher`` pattern and what a match states.
The engine, in the order a row meets it:

- :mod:`~kg.extraction.patterns.rows`: the rows read and checked (a bad row is an error naming
  its file and line);
- :mod:`~kg.extraction.patterns.tokens` and :mod:`~kg.extraction.patterns.matcher`: token tests
  and the dependency matcher the rows' patterns compile to;
- :mod:`~kg.extraction.patterns.finders` and :mod:`~kg.extraction.patterns.filters`: the named
  argument finders, guards and filters a row refers to;
- :mod:`~kg.extraction.patterns.ruler`: the ``kg_patterns`` spaCy component that matches the rows
  as a document is parsed, and what stages 3 and 5 read off its matches.
"""
