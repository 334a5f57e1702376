"""How many operators a forecast needs (CC-2, CC-14): Erlang C, and Erlang A with abandonment.

Erlang C (M/M/N): calls arrive at random (λ per second), each takes the average handle time, and
nobody hangs up while waiting. Erlang A (M/M/N+M) adds callers who give up after an exponential
patience; it predicts the share of callers who abandon, so the answer rate. Checked against the
published figure: 300 calls an hour of 6 minutes each (30 erlangs), 90 % answered within 20 s
needs 38 operators.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a call has to wait (Erlang C), computed through Erlang B's stable recursion."""
    if agents <= traffic:
        return 1.0
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def erlang_c_service_level(agents: int, traffic: float, handle_seconds: float, within_seconds: float) -> float:
    """Share of calls answered within `within_seconds`."""
    if agents <= traffic:
        return 0.0
    return 1.0 - erlang_c(agents, traffic) * math.exp(-(agents - traffic) * within_seconds / handle_seconds)


def erlang_c_asa(agents: int, traffic: float, handle_seconds: float) -> float:
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * handle_seconds / (agents - traffic)


@dataclass(frozen=True)
class ErlangA:
    abandon_probability: float
    service_level: float  # answered within the target time, of all calls
    answer_rate: float  # answered at all, of all calls


def erlang_a(agents: int, calls_per_hour: float, handle_seconds: float, patience_seconds: float,
             within_seconds: float, max_queue: int = 400) -> ErlangA:
    """Erlang A by the birth–death chain: stationary states, then each arriving caller's race
    between reaching an operator and giving up (FCFS; callers ahead leave at rate nθ too)."""
    lam = calls_per_hour / 3600.0
    mu = 1.0 / handle_seconds
    theta = 1.0 / patience_seconds
    n = agents
    # unnormalised stationary probabilities p[k], k = calls in the system
    weights = [1.0]
    for k in range(1, n + max_queue + 1):
        rate_out = min(k, n) * mu + max(k - n, 0) * theta
        weights.append(weights[-1] * lam / rate_out)
        if weights[-1] < 1e-300:
            break
    total = sum(weights)
    probs = [w / total for w in weights]
    served_now = sum(probs[:n])
    abandon = 0.0
    in_time = served_now
    for k in range(n, len(probs)):
        ahead = k - n  # callers queued in front of the arriving one
        p_reach, p_reach_in_time = _reach_operator(ahead, n * mu, theta, within_seconds)
        abandon += probs[k] * (1 - p_reach)
        in_time += probs[k] * p_reach_in_time
    return ErlangA(abandon_probability=abandon, service_level=in_time, answer_rate=1 - abandon)


def _reach_operator(ahead: int, service_rate: float, theta: float, within: float) -> tuple[float, float]:
    """Probability that a caller with `ahead` callers in front reaches an operator before giving up,
    and does so within `within` seconds (a chain of exponential stages, each racing the caller's patience)."""
    rates = [service_rate + m * theta for m in range(ahead, -1, -1)]  # advance rates, stage by stage
    p_reach = 1.0
    for rate in rates:
        p_reach *= rate / (rate + theta)
    # time to pass all stages conditioned on not abandoning: stage durations are Exp(rate + theta)
    totals = [rate + theta for rate in rates]
    return p_reach, p_reach * _hypoexponential_cdf(totals, within)


def _hypoexponential_cdf(rates: list[float], t: float) -> float:
    """P(sum of independent Exp(rate_i) ≤ t), by uniformisation (stable for many stages)."""
    if not rates:
        return 1.0
    top = max(rates)
    # states 0..len(rates); from state i the chain moves on with prob rates[i]/top per uniform tick
    state = [0.0] * (len(rates) + 1)
    state[0] = 1.0
    term = math.exp(-top * t)
    done = 0.0
    k = 0
    while True:
        done += term * state[-1]
        k += 1
        if k > 2000 or (term < 1e-14 and k > top * t):
            break
        term *= top * t / k
        moved = [0.0] * len(state)
        for i, mass in enumerate(state[:-1]):
            go = rates[i] / top
            moved[i] += mass * (1 - go)
            moved[i + 1] += mass * go
        moved[-1] += state[-1]
        state = moved
    return min(done, 1.0)


@dataclass(frozen=True)
class Staffing:
    agents: int
    traffic: float
    service_level: float
    asa_seconds: float
    probability_wait: float


def agents_needed(*, calls_per_hour: float, handle_seconds: float, target: float, within_seconds: float) -> Staffing:
    """The fewest operators for which Erlang C predicts `target` of calls answered within the time."""
    traffic = calls_per_hour * handle_seconds / 3600.0
    agents = max(int(math.floor(traffic)) + 1, 1)
    while erlang_c_service_level(agents, traffic, handle_seconds, within_seconds) < target:
        agents += 1
    return Staffing(agents=agents, traffic=traffic,
                    service_level=erlang_c_service_level(agents, traffic, handle_seconds, within_seconds),
                    asa_seconds=erlang_c_asa(agents, traffic, handle_seconds),
                    probability_wait=erlang_c(agents, traffic))
