"""A bounded HTTP load client for the bench: loopback only, no Django.

``run_phase`` opens ``concurrency`` keep-alive connections (``http.client``)
spread over a few processes (so the client is not held back by one GIL), lets
each send requests back to back for ``warmup`` seconds (discarded) and then for
``duration`` seconds (measured), and stops early when the hard cap on requests
is reached. Every response must be 200 with a non-empty body; anything else is
counted as an error by status (or by exception name).

``path`` may also be a list of paths: client ``i`` of ``n`` then sends
``paths[i]``, ``paths[i + n]``, ``paths[i + 2n]``... (cycling at the end), so
that with distinct paths no two requests of a phase ask the same thing (the
uncached and mixed workloads of issue 14).

``burst`` sends a list of requests all at once, one connection each, from one
thread: 150 people pressing the same button (bench/workshop_registration.py).
"""

import http.client
import math
import multiprocessing
import selectors
import socket
import threading
import time
from collections import Counter

ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _connection(host, port):
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"The bench only talks to the loopback, not {host!r}")
    return http.client.HTTPConnection(host, port, timeout=60)


def _paths_of(path, index, stride):
    """The endless sequence of paths of client ``index`` among ``stride``."""
    if isinstance(path, str):
        while True:
            yield path
    while True:
        yield from path[index::stride] or path


def _client_thread(host, port, paths, headers, warmup_end, end, cap, results):
    connection = _connection(host, port)
    latencies = []
    errors = Counter()
    sent = 0
    while sent < cap:
        now = time.time()
        if now >= end:
            break
        measuring = now >= warmup_end
        path = next(paths)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            errors[type(error).__name__] += 1
            connection.close()
            connection = _connection(host, port)
            continue
        elapsed = time.perf_counter() - started
        if measuring:
            sent += 1
            if response.status != 200:
                errors[str(response.status)] += 1
            elif not body:
                errors["empty body"] += 1
            latencies.append(elapsed)
    connection.close()
    results.append((latencies, errors))


def _client_process(
    host, port, path, headers, threads, warmup_end, end, cap, first=0, stride=1
):
    results = []
    workers = [
        threading.Thread(
            target=_client_thread,
            args=(
                host,
                port,
                _paths_of(path, first + number, stride),
                headers,
                warmup_end,
                end,
                cap,
                results,
            ),
        )
        for number in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies = []
    errors = Counter()
    for thread_latencies, thread_errors in results:
        latencies.extend(thread_latencies)
        errors.update(thread_errors)
    return latencies, dict(errors)


def percentile(values, fraction):
    """The nearest-rank percentile of ``values`` (sorted or not)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def run_phase(
    path,
    *,
    host="127.0.0.1",
    port=8103,
    headers=None,
    concurrency=8,
    processes=2,
    warmup=2.0,
    duration=10.0,
    max_requests=200_000,
):
    """Load ``path`` and return requests/s, p50/p95 (ms), counts and errors."""
    processes = max(1, min(processes, concurrency))
    per_process = [concurrency // processes] * processes
    for index in range(concurrency % processes):
        per_process[index] += 1
    cap = max(1, max_requests // concurrency)
    start = time.time() + 0.5  # leave time for the processes to start
    warmup_end = start + warmup
    end = warmup_end + duration
    headers = {"Host": f"{host}:{port}", **(headers or {})}
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        jobs = [
            pool.apply_async(
                _client_process,
                (
                    host,
                    port,
                    path,
                    headers,
                    threads,
                    warmup_end,
                    end,
                    cap,
                    sum(per_process[:number]),
                    concurrency,
                ),
            )
            for number, threads in enumerate(per_process)
        ]
        outcomes = [job.get(timeout=warmup + duration + 120) for job in jobs]
    measured_for = min(duration, max(time.time(), warmup_end) - warmup_end)
    latencies = []
    errors = Counter()
    for process_latencies, process_errors in outcomes:
        latencies.extend(process_latencies)
        errors.update(process_errors)
    requests = len(latencies)
    return {
        "path": path if isinstance(path, str) else f"{path[0]} (+{len(path) - 1})",
        "concurrency": concurrency,
        "requests": requests,
        "seconds": measured_for,
        "rps": requests / measured_for if measured_for > 0 else math.nan,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": dict(errors),
        "error_count": sum(errors.values()),
        "latencies": latencies,
    }


def fetch(path, *, host="127.0.0.1", port=8103, headers=None, timeout=60):
    """One GET: (status, headers dict, body bytes)."""
    connection = _connection(host, port)
    connection.timeout = timeout
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def burst(requests, *, host="127.0.0.1", port=8103, timeout=60):
    """Send ``requests`` (each the raw bytes of one HTTP/1.1 request) at once,
    each on a connection of its own opened beforehand; return
    ``(latencies in s, statuses)`` in the order of ``requests`` (status 0:
    no complete answer within ``timeout``).

    One thread and ``selectors``: the client costs the machine about 0.09 ms
    of CPU a request, where 150 threads of ``http.client`` took 0.54 to
    0.61 ms on the two vCPUs the server shares (150 GETs of the bare view,
    4 sync workers), and their wake-ups waited on one interpreter lock.
    Each latency runs from its request's send to the last byte of its answer
    (``Content-Length``, or the server closing).
    """
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"The bench only talks to the loopback, not {host!r}")
    count = len(requests)
    sockets = [
        socket.create_connection((host, port), timeout=timeout) for _ in requests
    ]
    started = [0.0] * count
    latencies = [0.0] * count
    statuses = [0] * count
    received = [bytearray() for _ in requests]
    with selectors.DefaultSelector() as selector:
        for index, (sock, raw) in enumerate(zip(sockets, requests, strict=True)):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            started[index] = time.perf_counter()
            sock.sendall(raw)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ, index)
        pending = count
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            for key, _events in selector.select(timeout=1):
                index = key.data
                chunk = key.fileobj.recv(65536)
                received[index] += chunk
                if chunk and not _answer_complete(received[index]):
                    continue
                latencies[index] = time.perf_counter() - started[index]
                statuses[index] = _status_of(received[index])
                # Closed at once: a sync gunicorn worker waits for the
                # client's close (up to 2 s) before it takes the next one.
                selector.unregister(key.fileobj)
                key.fileobj.close()
                pending -= 1
    for sock in sockets:
        sock.close()  # the ones left unanswered
    return latencies, statuses


def raw_request(method, path, *, host="127.0.0.1", port=8103, headers=None):
    """The bytes of one bodiless HTTP/1.1 request for ``burst``."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines += ["Content-Length: 0", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _answer_complete(data):
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    for line in bytes(data[:head_end]).split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(data) >= head_end + 4 + int(value)
    return False  # no length: the answer ends when the server closes


def _status_of(data):
    parts = bytes(data[:16]).split(b" ", 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return 0
