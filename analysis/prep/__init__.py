"""Interview prep: questions for a job, feedback on practice answers, prep versus actual.

No Kafka and no database: the gateway calls ``question_writer`` (the curated bank, or Claude)
and ``practice_feedback`` for the practice chat, and the rollup calls
:mod:`analysis.prep.comparison` when an interview is linked to a prep session.
"""
