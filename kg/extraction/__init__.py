"""The extraction stages, from a parsed spaCy ``Doc`` to resolved entities and relations, in order,
numbered as in the one stage map of the whole pipeline (the README's "How it works": 1 read,
2 parse, 3-7 here, 8 triples, 9 corpus resolution, 10 write):

3. :mod:`~kg.extraction.mentions`: named mentions from NER, with titles split off names
   (:mod:`~kg.extraction.titles`), wire conventions read (:mod:`~kg.extraction.newswire`) and
   the model's class mistakes undone (:mod:`~kg.extraction.corrections`);
4. :mod:`~kg.extraction.coref`: pronouns and descriptions linked to the names they stand for;
5. :mod:`~kg.extraction.relations`: relations between mentions, from the verb core
   (:mod:`~kg.extraction.verbs`, with :mod:`~kg.extraction.factuality`), titles
   (:mod:`~kg.extraction.roles`) and pattern rows (:mod:`~kg.extraction.patterns`), all
   reading the parse through :mod:`~kg.extraction.arguments`;
6. :mod:`~kg.extraction.resolve`: mentions grouped into entities (:mod:`~kg.extraction.clusters`
   decides an entity's class) and relations named (:mod:`~kg.extraction.predicates` decides
   which relation a verb phrase states);
7. :mod:`~kg.extraction.events`: the meetings, visits, attacks and announcements the relations report.
9. :mod:`~kg.extraction.corpus`: once every document's graph is made (and its triples, stage 8),
   which nodes of the whole corpus are one thing (applied to the graph by :mod:`kg.graph.resolution`).

Word lists, the lexicon and the pattern rows are data in ``kg/data`` (:mod:`~kg.extraction.words`).
:func:`~kg.extraction.document.analyse` runs stages 3-5 for one document,
:func:`~kg.extraction.resolve.resolve` stages 6-7, :func:`~kg.extraction.corpus.resolve_corpus` stage 9.
"""
