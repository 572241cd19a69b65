"""The extraction stages, from a parsed spaCy ``Doc`` to resolved entities and relations."""
