"""Interview prep: questions for a job, feedback on practice answers, prep versus actual.

Pure functions, no Kafka and no database: the gateway calls them for the practice chat,
and the rollup calls :mod:`streams.prep.comparison` when an interview is linked to a prep
session.
"""
