"""ringboard's benchmarks: each measures the app against a floor and writes bench/results/<name>.json.

Run them all with `python -m bench`, one with `python -m bench NAME [options]`; see bench/README.md.
"""
from __future__ import annotations

# NAME -> module (in the order `python -m bench` runs them: cheap ones first).
BENCHMARKS = {
    'tokens': 'bench.token_rate',
    'registry_store': 'bench.registry_store',
    'page_load': 'bench.page_load',
    'call_setup': 'bench.call_setup',
    'memory': 'bench.memory',
    'ring_latency': 'bench.ring_latency',
    'presence_burst': 'bench.presence_burst',
    'processes': 'bench.processes',
}
