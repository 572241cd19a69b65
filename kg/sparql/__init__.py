"""Using a graph: SPARQL queries (query), a read-only SPARQL endpoint (serve), loading a graph
into a remote store (push) and SHACL validation (validate)."""
