"""A closed-loop load generator on asyncio + httpx: N clients, each sending its next request as
soon as the previous answer arrives, for a fixed time. Loopback only; bounded in time (warm-up +
duration + a grace period) and in count (`max_steps`)."""

from __future__ import annotations

import asyncio
import math
import random
import time
import uuid
from dataclasses import dataclass, field

import httpx

from .scenarios import Call, Reply, Scenario

GRACE_SECONDS = 30  # a request still running this long after the window ends is abandoned
REQUEST_TIMEOUT = 15


@dataclass(frozen=True)
class Credentials:
    cookie: str = ""  # "sessionid=…; csrftoken=…" of a logged-in browser
    jwt: str = ""
    organization_id: int | None = None


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, successful and refused
    step_latencies: list[float] = field(default_factory=list)
    ok: int = 0
    refused: int = 0
    errors: int = 0
    steps: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    refusal_codes: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def error(self, sample: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5 and sample not in self.error_samples:
            self.error_samples.append(sample)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def latency_summary(values: list[float]) -> dict:
    ordered = sorted(values)
    as_ms = lambda value: None if value is None else round(value * 1000, 2)  # noqa: E731
    return {
        "p50_ms": as_ms(percentile(ordered, 0.50)),
        "p95_ms": as_ms(percentile(ordered, 0.95)),
        "p99_ms": as_ms(percentile(ordered, 0.99)),
        "max_ms": as_ms(ordered[-1] if ordered else None),
        "mean_ms": as_ms(sum(ordered) / len(ordered) if ordered else None),
    }


def headers_for(call: Call, credentials: Credentials) -> dict[str, str]:
    # nginx in front of production sends X-Forwarded-Proto: https (see processes.py).
    headers = {"X-Forwarded-Proto": "https"}
    if call.auth == "session":
        headers["Cookie"] = credentials.cookie
    elif call.auth == "jwt":
        headers["Authorization"] = f"Bearer {credentials.jwt}"
        if credentials.organization_id is not None:
            headers["X-Organization"] = str(credentials.organization_id)
    if call.idempotency_key:
        headers["Idempotency-Key"] = f"bench-{uuid.uuid4().hex}"
    return headers


def error_code(data) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return data["error"].get("code")
    return None


async def run_scenario(  # noqa: C901 - one flat loop over the scenario steps reads best
    scenario: Scenario,
    *,
    base_url: str,
    fixtures: dict,
    credentials: Credentials,
    clients: int,
    duration: float,
    warmup: float,
    max_steps: int,
    seed: int = 1,
) -> dict:
    loop = asyncio.get_running_loop()
    tally = Tally()
    start = loop.time()
    # Until every client has warmed up, the window lies in the future: nothing is counted.
    window_start = deadline = last_done = float("inf")
    warmed = 0
    ready = asyncio.Event()
    cpu_start = time.process_time()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT, follow_redirects=False
    ) as http:

        async def perform(call: Call) -> Reply:
            nonlocal last_done
            began = loop.time()
            counted = began >= window_start
            try:
                response = await http.request(
                    call.method, call.path, json=call.body, headers=headers_for(call, credentials)
                )
            except httpx.HTTPError as exc:
                if counted:
                    tally.error(f"{type(exc).__name__}: {exc}"[:200])
                return Reply(0, None)
            ended = loop.time()
            status = response.status_code
            data = None
            # Parse only what the scenario or the classification needs: the client shares the
            # machine's two cores with the server, so it must stay cheap.
            if (status >= 400 or call.method == "POST") and response.headers.get(
                "content-type", ""
            ).startswith("application/json"):
                data = response.json()
            if counted:
                last_done = max(last_done, ended)
                tally.statuses[status] = tally.statuses.get(status, 0) + 1
                code = error_code(data)
                if 200 <= status < 300:
                    tally.ok += 1
                    tally.latencies.append(ended - began)
                elif status in (400, 409) and code in call.refusals:
                    tally.refused += 1
                    tally.refusal_codes[code] = tally.refusal_codes.get(code, 0) + 1
                    tally.latencies.append(ended - began)
                else:
                    tally.error(
                        f"{call.method} {call.path} -> {status} {code or response.text[:120]}"
                    )
            return Reply(status, data)

        async def client(index: int) -> None:
            nonlocal window_start, deadline, last_done, warmed
            rng = random.Random(seed * 1000 + index)
            # Warm-up: every client completes one step (cold caches, e.g. a dashboard recomputed
            # after the writes, may take longer than the timed warm-up), then the warm-up time
            # runs out; the window opens only then, for everyone at once.
            await one_step(rng, record=False)
            warmed += 1
            if warmed == clients:
                window_start = max(start + warmup, loop.time())
                deadline = window_start + duration
                last_done = window_start
                ready.set()
            await ready.wait()
            while loop.time() < window_start:
                await one_step(rng, record=False)
            while loop.time() < deadline and tally.steps < max_steps:
                await one_step(rng, record=True)

        async def one_step(rng: random.Random, *, record: bool) -> None:
            began = loop.time()
            steps = scenario.steps(rng, fixtures)
            try:
                call = next(steps)
                while True:
                    reply = await perform(call)
                    call = steps.send(reply)
            except StopIteration:
                pass
            if record and began >= window_start:
                tally.steps += 1
                tally.step_latencies.append(loop.time() - began)

        tasks = [asyncio.create_task(client(index)) for index in range(clients)]
        try:
            await asyncio.wait_for(
                asyncio.gather(*tasks),
                timeout=warmup + duration + GRACE_SECONDS + 2 * REQUEST_TIMEOUT,
            )
        except TimeoutError:
            for task in tasks:
                task.cancel()
            tally.error("scenario exceeded its time bound; clients cancelled")

    window = max(last_done - window_start, 1e-9) if window_start != float("inf") else 1e-9
    requests = tally.ok + tally.refused
    result = {
        "scenario": scenario.name,
        "title": scenario.title,
        "kind": scenario.kind,
        "clients": clients,
        "duration_s": round(window, 2),
        "warmup_s": warmup,
        "requests": requests,
        "requests_per_s": round(requests / window, 1),
        **latency_summary(tally.latencies),
        "ok": tally.ok,
        "refused": tally.refused,
        "refusal_codes": tally.refusal_codes,
        "errors": tally.errors,
        "error_samples": tally.error_samples,
        "statuses": {str(key): value for key, value in sorted(tally.statuses.items())},
        "loadgen_cpu_s": round(time.process_time() - cpu_start, 2),
    }
    if scenario.name == "sales_order_confirm":
        result["iterations"] = tally.steps
        result["iterations_per_s"] = round(tally.steps / window, 1)
        result["iteration_latency"] = latency_summary(tally.step_latencies)
    return result
