"""The analysis logic that both the worker's agents and the gateway call.

Pure functions and folds, no Kafka, no database, no web: ``speech/`` (per-segment metrics and
the speech score), ``content/`` (questions, STAR, relevance, confidence, sentiment),
``prep/`` (prep questions, practice feedback, prep versus actual), and the folds an agent
keeps per interview: ``turns`` (questions paired with answers), ``progress`` (the interview's
state), ``parts`` and ``transcript_gaps`` (what the rollup waits for), ``content_section``
and ``document`` (the analysis written at the end), ``runs`` (which analysis run a record
belongs to). The one edge here is ``claude/``, the language model, reached only when a key
is configured.
"""
