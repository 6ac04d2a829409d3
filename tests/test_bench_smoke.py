"""Every benchmark in bench/ runs once at a tiny size and writes JSON with the expected keys and plausible numbers.

Only that they work: no timing is asserted (CI machines vary), the full runs are `python -m bench`.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench import BENCHMARKS


def read(out: Path, name: str) -> dict:
    document = json.loads((out / f'{name}.json').read_text())
    assert document['benchmark'] == name
    assert {'nproc', 'cpu_model', 'ram_gib', 'python', 'chromium'} <= set(document['machine'])
    assert document['machine']['packages']['nicegui'] and document['machine']['packages']['python-engineio']
    assert isinstance(document['params'], dict)
    for check in document['targets']:
        assert {'name', 'measured', 'limit', 'met'} <= set(check)
        assert isinstance(check['met'], bool)
    return document


def positive(*values: float | None) -> None:
    for value in values:
        assert value is not None and math.isfinite(value) and value > 0, values


def finite(*values: float | None) -> None:
    for value in values:
        assert value is not None and math.isfinite(value) and value >= 0, values


def test_every_benchmark_is_smoke_tested() -> None:
    tested = {name.removeprefix('test_').removesuffix('_benchmark') for name in globals() if name.startswith('test_')}
    assert set(BENCHMARKS) <= tested


def test_tokens_benchmark(tmp_path: Path) -> None:
    from bench import token_rate
    token_rate.main(['--seconds', '0.02', '--out', str(tmp_path)])
    results = read(tmp_path, 'tokens')['results']
    assert {row['operation'] for row in results} >= {'build_rtc_token (007)', 'parse_token (007)'}
    positive(*(row['ours_per_s'] for row in results))


def test_ring_latency_benchmark(tmp_path: Path) -> None:
    from bench import ring_latency
    ring_latency.main(['--sizes', '4', '--rounds', '4', '--warmup', '0', '--out', str(tmp_path)])
    [row] = read(tmp_path, 'ring_latency')['results']
    assert row['n'] == 4
    for side in ('app', 'floor', 'nicegui_floor'):
        assert row[side]['errors'] == 0, row[side]['error_examples']
        assert row[side]['ring']['count'] == 2 * 4 and row[side]['accept']['count'] == 2 * 2
        positive(row[side]['ring']['p50_ms'], row[side]['ring']['p99_ms'], row[side]['accept']['p99_ms'])
        finite(row[side]['server_cpu_s'])
    positive(row['ratio_ring_p99'], row['ratio_accept_p99'], row['nicegui_floor_ratio_ring_p99'])


def test_presence_burst_benchmark(tmp_path: Path) -> None:
    from bench import presence_burst
    presence_burst.main(['--sizes', '5', '--quick', '--out', str(tmp_path)])
    [row] = read(tmp_path, 'presence_burst')['results']
    assert row['burst'] == 1
    for side in ('app', 'floor'):
        for phase in ('login', 'logout'):
            measured = row[side][phase]
            assert measured['unsettled_dashboards'] == 0 and measured['undelivered'] == 0
            positive(measured['delivery']['p99_ms'], measured['settle_s'], measured['messages_per_change'])
            finite(measured['server_cpu_ms_per_change'])
    positive(row['ratio_login_delivery_p99'])
    positive(row['app']['login']['last_change_s'], row['page_floor']['all_connected_s'])
    finite(row['page_floor']['server_cpu_ms_per_page'])  # the kernel counts CPU in 10 ms ticks: one page may read 0


def test_memory_benchmark(tmp_path: Path) -> None:
    from bench import memory
    memory.main(['--sizes', '5', '--quick', '--out', str(tmp_path)])
    [row] = read(tmp_path, 'memory')['results']
    for side in ('app', 'floor'):
        positive(row[side]['baseline_mb'], row[side]['rss_mb'], row[side]['elements_per_dashboard'])
        finite(row[side]['idle_server_cpu_share'])
        assert math.isfinite(row[side]['mb_per_dashboard'])  # RSS moves in pages: tiny N may show no growth
    assert row['app']['directory_rows'] == 5


@pytest.mark.browser
def test_call_setup_benchmark(tmp_path: Path) -> None:
    from bench import call_setup
    call_setup.main(['--calls', '2', '--warmup', '0', '--ring-for', '1', '--out', str(tmp_path)])
    document = read(tmp_path, 'call_setup')
    for run in ('app_instant_on', 'app_instant_off', 'floor', 'floor_preconnect'):
        positive(document[run]['median_ms'], document[run]['view_median_ms'], document[run]['callee']['p50_ms'],
                 document[run]['caller']['p50_ms'])
    for side in ('callee', 'caller', 'both'):
        positive(*document['ratios'][side].values())
    voice = document['app_instant_on']['voice']  # voice calls: accept -> first remote audio
    positive(voice['median_ms'], voice['callee']['p50_ms'], voice['caller']['p50_ms'])
    assert voice['failed_calls'] == 0
    for run in ('app_instant_on', 'app_instant_off'):
        for tabs in ('1_tab', '2_tab'):
            positive(document[run]['ringing'][tabs]['browser_cpu_share'])
    # pre-connecting sends the caller's media while it rings: to each ringing tab of the callee
    assert document['app_instant_on']['ringing']['1_tab']['callee_received_kbit_s'] > 0
    assert document['app_instant_off']['ringing']['1_tab']['callee_received_kbit_s'] == 0


@pytest.mark.browser
def test_page_load_benchmark(tmp_path: Path) -> None:
    from bench import page_load
    page_load.main(['--users', '3', '--loads', '1', '--warmup', '0', '--out', str(tmp_path)])
    document = read(tmp_path, 'page_load')
    assert document['app']['directory_rows'] == 2
    for side in ('app', 'floor'):
        positive(document[side]['median_ms'], document[side]['ttfb_median_ms'])
    positive(document['ratio_median'])


def test_registry_store_benchmark(tmp_path: Path) -> None:
    from bench import registry_store
    registry_store.main(['--cycles', '3', '--out', str(tmp_path)])
    [row] = read(tmp_path, 'registry_store')['results']
    positive(row['memory_us'], row['redis_us'], row['ping_us'], row['redis_commands_per_transition'])


def test_processes_benchmark(tmp_path: Path) -> None:
    from bench import processes
    processes.main(['--sizes', '8', '--processes', '1', '2', '--active-pairs', '2', '--rounds', '2', '--warmup', '0',
                    '--rate', '20', '--rates', '4', '--step-seconds', '0.5', '--redis-calls', '2',
                    '--idle-seconds', '0.5', '--burst-sizes', '8', '--out', str(tmp_path)])
    document = read(tmp_path, 'processes')
    rows = document['results']
    assert [(row['n'], row['processes']) for row in rows] == [(8, 1), (8, 2)]
    for row in rows:
        latency = row['latency']
        assert latency['errors'] == 0, latency['error_examples']
        assert latency['ring']['count'] == 4 and latency['accept']['count'] == 2
        positive(row['sign_ins_per_s'], latency['ring']['p99_ms'], latency['accept']['p99_ms'])
        positive(latency['cpu']['cpu_s']['apps'], latency['cpu']['cpu_s']['clients'])
        [step] = row['call_rate']['steps']
        assert step['offered_per_s'] == 4 and step['errors'] == 0, step['error_examples']
        positive(step['achieved_per_s'])
        burst = row['login_burst']
        assert burst['changes'] == 1 and burst['unsettled_dashboards'] == 0 and burst['failed_logins'] == 0
        positive(burst['settle_s'])
    assert 'redis' not in rows[0]  # one process runs without Redis
    redis = rows[1]['redis']
    assert redis['calls'] == 2
    positive(redis['commands_per_call'], redis['bytes_in_per_call'], redis['bytes_out_per_call'])
    [floor] = document['login_burst_floor']
    positive(floor['bare_pages']['all_connected_s'])
    [comparison] = document['comparisons']
    positive(comparison['ring_p99'], comparison['accept_p99'])
    assert {check['name'].split(' at ')[0].split(',')[0] for check in document['targets']} >= {
        'ring p99 across 2 processes / 1 process', 'highest sustained call rate', 'login burst settles'}
