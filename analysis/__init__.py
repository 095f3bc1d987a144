"""Pure analysis logic that both the worker and the gateway call: no I/O, no Faust, no web."""
