"""Content analysis of an interview transcript: pure, offline functions, no Kafka.

``sentences`` cuts timed words into sentences; ``questions`` finds the interviewer's
questions and pairs each with its answer; ``star``, ``confidence``, ``sentiment`` and
``relevance`` read one answer each. The turns and content agents call these.
"""
