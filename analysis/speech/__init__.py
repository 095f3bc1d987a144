"""Speech metrics per transcript segment: filler words, pace, pauses, clarity, and the speech score.

``metrics``, ``fillers`` and ``filler_context`` may be compiled with mypyc (see
:mod:`analysis.speech.native_modules`): before anything imports them, make them load from their
.py sources if the compiled ones are stale.
"""

import os

from analysis.speech.native_modules import use_sources_if_stale

use_sources_if_stale(__name__, os.path.dirname(__file__))
