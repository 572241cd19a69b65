"""Resolution: which mentions, and then which nodes, name one real-world thing; on plain records,
without spaCy. Stages as numbered in the one stage map (docs/architecture.md):

6. :mod:`~kg.resolution.entities`: a batch of documents' mentions grouped into entities
   (:mod:`~kg.resolution.clusters` is the one place that decides an entity's class,
   :mod:`~kg.resolution.names` how a mention's words become its name) and its relations named
   (:mod:`~kg.resolution.predicates` is the one place that decides which relation a verb phrase
   states);
7. :mod:`~kg.resolution.events`: the meetings, visits, attacks and announcements the relations report;
9. across the corpus, once every document's graph is in (stage 8): :mod:`~kg.resolution.corpus`
   decides which nodes are one thing, by the join rules and the user's resolutions file
   (:mod:`~kg.resolution.hand`); :mod:`~kg.resolution.graphs` reads the nodes from the graphs,
   applies the joins and records each decision.

A new join rule goes in :mod:`~kg.resolution.corpus` (across stories) or
:mod:`~kg.resolution.entities` (inside a batch).
"""
