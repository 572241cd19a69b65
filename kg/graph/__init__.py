"""The graph layer: a resolved corpus as RDF triples, written to files and kept in stores.

    Corpus -> triples (rdf) -> Oxigraph store (store) -> .ttl / .nq / .trig / .jsonld (export)
                                                  -> .graphml / .gexf / CSV / Neo4j / compact JSON-LD (interchange)
"""
