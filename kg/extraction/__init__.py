"""The extraction stages, from a parsed spaCy ``Doc`` to resolved entities and relations, in order:

1. :mod:`~kg.extraction.mentions`: named mentions from NER, with titles split off names
   (:mod:`~kg.extraction.titles`), wire conventions read (:mod:`~kg.extraction.newswire`) and
   the model's class mistakes undone (:mod:`~kg.extraction.corrections`);
2. :mod:`~kg.extraction.coref`: pronouns and descriptions linked to the names they stand for;
3. :mod:`~kg.extraction.relations`: relations between mentions, from the verb core
   (:mod:`~kg.extraction.verbs`, with :mod:`~kg.extraction.factuality`), titles
   (:mod:`~kg.extraction.roles`) and pattern rows (:mod:`~kg.extraction.patterns`), all
   reading the parse through :mod:`~kg.extraction.arguments`;
4. :mod:`~kg.extraction.resolve`: mentions grouped into entities (:mod:`~kg.extraction.clusters`
   decides an entity's class) and relations named (:mod:`~kg.extraction.predicates` decides
   which relation a verb phrase states);
5. :mod:`~kg.extraction.events`: the meetings, visits, attacks and announcements the relations report.
6. :mod:`~kg.extraction.corpus`: once every document's graph is made, which nodes of the whole
   corpus are one thing (applied to the graph by :mod:`kg.graph.resolution`).

Word lists, the lexicon and the pattern rows are data in ``kg/data`` (:mod:`~kg.extraction.words`).
:func:`~kg.extraction.document.analyse` runs stages 1-3 for one document,
:func:`~kg.extraction.resolve.resolve` stages 4-5, :func:`~kg.extraction.corpus.resolve_corpus` stage 6.
"""
