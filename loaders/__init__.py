"""Loaders: turn sources into RDF in ontology terms, validate, resolve and load them."""
