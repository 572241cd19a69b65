"""The extraction stages, from a parsed spaCy ``Doc`` to a document's mentions and relation
mentions, numbered as in the one stage map of the whole pipeline (docs/architecture.md:
1 read, 2 parse, 3-5 here, 6-7 and 9 in :mod:`kg.resolution`, 8 triples, 10 write):

3. :mod:`~kg.extraction.mentions`: named mentions from NER, with titles split off names
   (:mod:`~kg.extraction.titles`), wire conventions read (:mod:`~kg.extraction.newswire`) and
   the model's class mistakes undone (:mod:`~kg.extraction.corrections`);
4. :mod:`~kg.extraction.coref`: pronouns and descriptions linked to the names they stand for;
5. :mod:`~kg.extraction.relations`: relations between mentions, from the verb core
   (:mod:`~kg.extraction.verbs`, with :mod:`~kg.extraction.factuality`), titles
   (:mod:`~kg.extraction.roles`) and pattern rows (:mod:`kg.extraction.patterns`), all
   reading the parse through :mod:`~kg.extraction.arguments`.

:func:`~kg.extraction.document.analyse` runs stages 3-5 for one document. These are the only
stages that read spaCy objects; what they hand on is plain :mod:`kg.model` records, which
:mod:`kg.resolution` turns into entities, relations and events. The words the rules read are
data in ``kg/data`` (:mod:`kg.data`); the pattern rows are run by the engine in
:mod:`kg.extraction.patterns`.
"""
