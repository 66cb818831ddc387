"""Load and memory benchmarks of the assistant. Benchmarks print figures; they are not tests.

Serve mode: concurrent ``gradio_client`` clients call the page's ``ask`` endpoint on 127.0.0.1 for a
fixed time, then report requests served, errors, p50/p95 latency and the server's peak RSS::

    python -m policyqa.evals.load_bench serve [--url http://127.0.0.1:7860/ --pid PID]
                                              [--clients 20] [--seconds 60]

Without ``--url`` it starts ``policyqa serve`` itself on a free loopback port (index and model from
the environment, as ``policyqa serve`` would) and stops it afterwards. With ``--url`` give the
server's ``--pid`` to read its memory (from /proc, Linux only).

Soak mode: ``Assistant.ask`` in this process on gold questions in a loop, RSS sampled every 100
questions, to show that memory does not grow::

    python -m policyqa.evals.load_bench soak [--questions 1000] [--every 100] [--index DIR]

Both modes are bounded in count and time and stop by themselves; they only talk to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.config import Config
from policyqa.evals.gold import BUNDLED_GOLD, load_gold

GRACE_SECONDS = 120         # after the run, how long in-flight requests may still finish


def questions(path: Path = BUNDLED_GOLD) -> list[str]:
    """The gold questions, in file order."""
    return [item.question for item in load_gold(path)]


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, read from /proc/PID/status (VmRSS, VmHWM)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values`` by linear interpolation; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class LoadTally:
    """What the clients saw: latencies of answered requests and error messages."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float | None, error: str | None = None) -> None:
        """Add one request's outcome (thread-safe)."""
        with self.lock:
            if error is None:
                self.latencies.append(seconds or 0.0)
            else:
                self.errors.append(error)


def _client_loop(url: str, asked: list[str], offset: int, deadline: float, tally: LoadTally) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as err:  # noqa: BLE001 — a benchmark counts every failure, whatever its type
        tally.record(None, f"connect: {type(err).__name__}: {err}"[:200])
        return
    n = offset
    while time.monotonic() < deadline:
        question = asked[n % len(asked)]
        n += 1
        start = time.perf_counter()
        try:
            record = client.predict(question, api_name="/ask")
            ok = isinstance(record, dict) and record.get("answer")
            tally.record(time.perf_counter() - start, None if ok else f"empty answer to {question}")
        except Exception as err:  # noqa: BLE001
            tally.record(None, f"{type(err).__name__}: {err}"[:200])


def _sample_memory(pid: int | None, stop: threading.Event, peaks: list[float]) -> None:
    while pid is not None and not stop.wait(1.0):
        try:
            peaks.append(rss_mb(pid)[0])
        except (OSError, KeyError):
            return


def run_load(url: str, pid: int | None, *, clients: int, seconds: float) -> None:
    """Drive ``url`` with ``clients`` concurrent clients for ``seconds``; print the figures."""
    asked = questions()
    tally, stop, samples = LoadTally(), threading.Event(), []
    start_rss = rss_mb(pid)[0] if pid else None
    sampler = threading.Thread(target=_sample_memory, args=(pid, stop, samples), daemon=True)
    sampler.start()
    began = time.monotonic()
    deadline = began + seconds
    threads = [threading.Thread(target=_client_loop, args=(url, asked, i * 7, deadline, tally), daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline + GRACE_SECONDS - time.monotonic()))
    elapsed = time.monotonic() - began
    stop.set()
    unfinished = sum(t.is_alive() for t in threads)
    lat = tally.latencies
    print(f"load: {clients} clients × {seconds:.0f} s against {url}")
    print(f"  requests served   {len(lat)}  ({len(lat) / elapsed:.2f}/s over {elapsed:.1f} s)")
    print(f"  errors            {len(tally.errors)}" + (f"  first: {tally.errors[0]}" if tally.errors else ""))
    print(f"  clients unfinished after grace  {unfinished}")
    if lat:
        print(f"  latency p50 {percentile(lat, 0.5):.2f} s  p95 {percentile(lat, 0.95):.2f} s  "
              f"max {max(lat):.2f} s  mean {statistics.fmean(lat):.2f} s")
    if pid:
        current, peak = rss_mb(pid)
        print(f"  server RSS  start {start_rss:.0f} MB  max sampled {max(samples, default=current):.0f} MB  "
              f"end {current:.0f} MB  peak (VmHWM) {peak:.0f} MB")


def start_server(log: Path) -> tuple[subprocess.Popen, str]:
    """``policyqa serve`` on a free loopback port; returns the process and its URL once it answers."""
    from policyqa.launch import ServeFailed, start_serve
    try:
        return start_serve({**os.environ, "HF_HUB_OFFLINE": "1"}, log)
    except ServeFailed as err:
        raise SystemExit(str(err)) from None


def run_soak(config: Config, *, total: int, every: int) -> None:
    """Ask ``total`` gold questions in a loop in this process; print RSS every ``every`` questions."""
    from policyqa.assistant.service import Assistant

    assistant = Assistant.load(config)
    asked = questions()
    assistant.ask(asked[0])  # warm-up: model and caches load here, not in the first sample
    base = rss_mb()[0]
    print(f"soak: {total} sequential questions, RSS after warm-up {base:.0f} MB")
    samples, latencies, abstained = [], [], 0
    for n in range(1, total + 1):
        start = time.perf_counter()
        abstained += assistant.ask(asked[n % len(asked)]).abstained
        latencies.append(time.perf_counter() - start)
        if n % every == 0:
            samples.append(rss_mb()[0])
            print(f"  after {n:5d}: RSS {samples[-1]:.0f} MB", flush=True)
    half = samples[len(samples) // 2:]
    print(f"  growth from first to last sample {samples[-1] - samples[0]:+.1f} MB; "
          f"over the second half {half[-1] - half[0]:+.1f} MB; from warm-up {samples[-1] - base:+.1f} MB; "
          f"peak {rss_mb()[1]:.0f} MB")
    print(f"  latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms  p95 {percentile(latencies, 0.95) * 1000:.0f} ms; "
          f"abstained {abstained}/{total}")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run one benchmark."""
    parser = argparse.ArgumentParser(prog="load_bench", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    serve = sub.add_parser("serve", help="concurrent clients against the served page")
    serve.add_argument("--url", help="a running page on 127.0.0.1 (default: start policyqa serve)")
    serve.add_argument("--pid", type=int, help="the running server's pid, for its memory")
    serve.add_argument("--clients", type=int, default=20)
    serve.add_argument("--seconds", type=float, default=60.0)
    soak = sub.add_parser("soak", help="sequential questions in-process, RSS every --every")
    soak.add_argument("--questions", type=int, default=1000)
    soak.add_argument("--every", type=int, default=100)
    soak.add_argument("--index", help="index folder (default: $POLICYQA_INDEX)")
    args = parser.parse_args(argv)
    if args.mode == "soak":
        run_soak(Config.load(index_dir=args.index), total=args.questions, every=args.every)
        return 0
    if args.url:
        if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            raise SystemExit("load_bench only drives a server on this machine (127.0.0.1 / localhost)")
        run_load(args.url, args.pid, clients=args.clients, seconds=args.seconds)
        return 0
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"load-bench-serve-{os.getpid()}.log"
    from policyqa.launch import stop_serve
    process, url = start_server(log)
    try:
        run_load(url, process.pid, clients=args.clients, seconds=args.seconds)
    finally:
        stop_serve(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
