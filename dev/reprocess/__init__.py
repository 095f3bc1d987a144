"""``ib reprocess``: analyses recomputed (after the scoring changed, say) into versioned topics,
``segment.metrics.v<N>`` and ``analysis.completed.v<N>``, beside the live ones, with a report
of old against new scores.

What is recomputed from what. The live analyses in the ``--from``/``--to`` range of
``analysis.completed`` (the latest per interview; ``--interviews`` narrows them) name the
interviews and their analysis run. For each, the recorded inputs of that run are read back with
``ib replay``'s :class:`~dev.replay.reader.Replay` (read_committed, partitions assigned, no
consumer group, nothing committed): its ``transcript.segments`` are folded into per-segment
metrics again (:func:`analysis.speech.running_counts.fold_segment`, the speech agent's own
function), and those metrics with its ``answer.analysis`` records go through
:func:`analysis.document.build_analysis`, the roll-up's own function, which scores the speech,
the content and the whole. So the scoring has one code path, ``analysis/``, whichever process
calls it; nothing of it is copied here.

Why not the same agents in a second worker (another group id, a topic suffix): the worker's
agents also write state, the read model and notifications, and know no range to stop at, so a
reprocessing worker would need switches in every agent to keep its hands off; and the speech
agent's and the roll-up's work is already pure functions in ``analysis/``, the agents only
moving records between topics and tables. Each answer's own reading (STAR parts and their
score, relevance, confidence) is taken as ``answer.analysis`` recorded it, unless
``--reanalyze-answers`` asks for it again: then the recorded ``interview.turns`` go through the
answer analyzer the settings choose and :mod:`analysis.content.answer_records`, as in the content
agent, into ``answer.analysis.v<N>`` (opt-in, since with Claude configured each answer is a call).

Nothing live is touched: the versioned topics are the only ones written, no consumer group is
made or moved, no database is opened, so no state changes and no one is notified. A version is
written whole or not at all (one Kafka transaction), and once written it is never written again:
a second run into the same version is refused, saying so (an interrupted run left nothing
visible, so it can simply be run again).
"""
