"""The Faust worker's agents and tables.

The speech metric modules may be compiled with mypyc (see :mod:`streams.native_modules`):
before anything imports them, make them load from their .py sources if the compiled ones
are stale.
"""

import os

from streams.native_modules import use_sources_if_stale

use_sources_if_stale(__name__, os.path.dirname(__file__))
