"""The graph layer: a resolved corpus as RDF triples, written to files and kept in stores, and the
network model that other tools' formats, ``kg stats`` and the page read off it.

    Corpus -> triples (rdf) -> Oxigraph store (store) -> .ttl / .nq / .trig / .jsonld (export)
                                                  -> networkx (network) -> .graphml / .gexf / CSV / Neo4j /
                                                                           compact JSON-LD (interchange)
"""
