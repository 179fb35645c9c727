"""Ratios to the two ceilings, the targets of issue 9, and the Markdown table of a run."""

from __future__ import annotations

from .scenarios import BY_NAME

LIST_FRACTION = 0.40  # list endpoints ≥ 40 % of the bare-Django ceiling
MOVEMENT_FRACTION = 0.25  # movement posting ≥ 25 % of pgbench TPC-B TPS
READ_P99_MS = 100.0  # every read scenario, at --clients


def evaluate(results: dict) -> None:
    """Adds `fraction_of_*` to each scenario and `targets` to the results, in place."""
    ceiling = (results.get("ceiling") or {}).get("requests_per_s")
    write_clients = results["settings"]["write_clients"]
    tps = ((results.get("pgbench") or {}).get(f"clients_{write_clients}") or {}).get("tps")
    targets = []
    for name, figures in results["scenarios"].items():
        scenario = BY_NAME[name]
        if scenario.kind == "read" and ceiling:
            figures["fraction_of_ceiling"] = round(figures["requests_per_s"] / ceiling, 3)
        if name == "movement_post" and tps:
            figures["fraction_of_pgbench"] = round(figures["requests_per_s"] / tps, 3)
        if scenario.list_endpoint and ceiling:
            value = figures["fraction_of_ceiling"]
            targets.append(
                _target(name, f"≥ {LIST_FRACTION:.0%} of bare-Django req/s", value, LIST_FRACTION)
            )
        if scenario.kind == "read" and figures.get("p99_ms") is not None:
            targets.append(
                _target(
                    name,
                    f"p99 < {READ_P99_MS:.0f} ms at {figures['clients']} clients",
                    figures["p99_ms"],
                    READ_P99_MS,
                    lower_is_better=True,
                )
            )
        if name == "movement_post":
            if tps:
                targets.append(
                    _target(
                        name,
                        f"≥ {MOVEMENT_FRACTION:.0%} of pgbench TPC-B TPS",
                        figures["fraction_of_pgbench"],
                        MOVEMENT_FRACTION,
                    )
                )
            ledger = figures.get("ledger") or {}
            violations = sum((ledger.get("invariants") or {}).values())
            sound = bool(ledger.get("passed")) and violations == 0
            targets.append(
                {
                    "scenario": name,
                    "target": "verify_ledger passes, zero invariant violations",
                    "value": f"ledger {'passed' if ledger.get('passed') else 'FAILED'}, "
                    f"{violations} violations",
                    "met": sound,
                    "by": "",
                }
            )
    results["targets"] = targets


def _target(scenario, text, value, threshold, *, lower_is_better=False) -> dict:
    met = value < threshold if lower_is_better else value >= threshold
    if lower_is_better:
        by = f"{value - threshold:+.1f} ms"
    else:
        by = f"{(value - threshold) * 100:+.1f} points"
    return {
        "scenario": scenario,
        "target": text,
        "value": value,
        "threshold": threshold,
        "met": met,
        "by": by,
    }


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def markdown(results: dict) -> str:
    settings = results["settings"]
    data = settings["dataset"]
    machine = results["machine"]
    lines = [
        f"Run {results['started_at']} · `{results['command']}`"
        + (f" · {results['label']}" if results.get("label") else ""),
        "",
        f"Dataset: {data['products']:,} products, {data['movements']:,} movements, "
        f"{data['warehouses']} warehouses · {settings['web_workers']} web workers · "
        f"{settings['duration_s']:g} s per scenario after {settings['warmup_s']:g} s warm-up · "
        f"{machine['cpu_model']}, {machine['cores']} cores, {machine['ram_gib']} GiB · "
        f"PostgreSQL {machine['postgresql']}, Redis {machine['redis']}, Python {machine['python']}"
        f" · load average {results['load_average_start']} → {results.get('load_average_end')}",
        "",
        "| scenario | clients | req/s | of ceiling | p50 ms | p95 ms | p99 ms | errors "
        "| refused | queries/req | peak MiB/worker |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = []
    if results.get("ceiling"):
        rows.append(("django_ceiling", results["ceiling"]))
    rows += list(results["scenarios"].items())
    for name, figures in rows:
        if "fraction_of_ceiling" in figures:
            fraction = f"{figures['fraction_of_ceiling']:.0%} (Django)"
        elif "fraction_of_pgbench" in figures:
            fraction = f"{figures['fraction_of_pgbench']:.0%} (pgbench)"
        else:
            fraction = "–"
        queries = figures.get("queries", {})
        per_call = queries.get("per_call", {})
        if len(per_call) > 1:
            count = " + ".join(f"{entry['median']:g}" for entry in per_call.values())
        elif queries:
            count = f"{queries['queries_per_request']:g}"
        else:
            count = "0" if name == "django_ceiling" else "–"
        peak = max((worker["peak_mib"] for worker in figures.get("worker_memory", [])), default=0)
        rate = f"{figures['requests_per_s']:.1f}"
        if "iterations_per_s" in figures:
            rate += f" ({figures['iterations_per_s']:.1f} orders/s)"
        lines.append(
            f"| {name} | {figures['clients']} | {rate} | {fraction} | {_ms(figures['p50_ms'])} "
            f"| {_ms(figures['p95_ms'])} | {_ms(figures['p99_ms'])} | {figures['errors']} "
            f"| {figures['refused']} | {count} | {peak:.0f} |"
        )
    for figures in (results.get("pgbench") or {}).values():
        lines.append(
            f"| pgbench TPC-B s{figures['scale']} | {figures['clients']} "
            f"| {figures['tps']:.1f} TPS | – | {_ms(figures['latency_avg_ms'])} (avg) | – | – "
            f"| {figures['failed']} | – | – | – |"
        )
    ledger = (results["scenarios"].get("movement_post") or {}).get("ledger")
    if ledger:
        lines += [
            "",
            f"verify_ledger after the movement scenario: "
            f"{'PASSED' if ledger['passed'] else 'FAILED'} ({ledger['seconds']} s); invariants: "
            f"{ledger.get('invariants', {})}",
        ]
    if results.get("targets"):
        lines += ["", "| target | scenario | value | met | by |", "|---|---|---:|---|---:|"]
        for target in results["targets"]:
            value = target["value"]
            if isinstance(value, float) and "%" in target["target"]:
                value = f"{value:.0%}"
            lines.append(
                f"| {target['target']} | {target['scenario']} | {value} | "
                f"{'met' if target['met'] else 'MISSED'} | {target['by']} |"
            )
    if results.get("profile"):
        profile = results["profile"]
        lines += [
            "",
            f"Profile: {profile['scenario']}, {profile['requests_profiled']} requests in-process, "
            f"{profile['mean_ms_in_process']} ms mean without the profiler → "
            f"{profile['text']}, {profile['html']}",
        ]
    return "\n".join(lines) + "\n"
