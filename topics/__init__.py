"""Contracts: the topic catalog and the Avro codec. Imports nothing else of the project."""
