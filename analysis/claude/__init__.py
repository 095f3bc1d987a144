"""Claude, the language model edge: answers judged and prep questions written through the
``anthropic`` SDK.

The one part of :mod:`analysis` that talks to the network. Each class here is the production
implementation of an interface whose offline implementation lives beside the interface
(:mod:`analysis.content.answer_analyzer`, :mod:`analysis.prep.question_writer`); the factories
there import this package only when a key is configured, and fall back to the offline result
when Claude fails.
"""
