"""Content analysis of an interview transcript: pure, offline functions, no Kafka.

``sentences`` cuts timed words into sentences; ``questions`` finds the interviewer's
questions and pairs each with its answer; ``star``, ``confidence``, ``sentiment`` and
``relevance`` read one answer each. ``answer_analyzer`` is the interface the content agent
calls, ``offline_analyzer`` its default implementation, ``answer_analysis`` what every
analyzer returns.
"""
