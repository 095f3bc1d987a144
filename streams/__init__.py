"""The Faust worker: the app, one agent per module, its tables and dead letters.

Each agent is a thin wrapper around the pure logic in :mod:`analysis`.
"""
