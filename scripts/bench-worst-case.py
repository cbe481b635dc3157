#!/usr/bin/env python3
"""B5 worst-case inputs (SPEC §9), not a test: the time to answer
adversarial bodies and to list a channel full of maximally nested
messages, and a plain request's latency while they run.

Usage: bench-worst-case.py BASE_URL TOKEN CHANNEL_ID WEBHOOK_URL BUILD DB_LABEL
"""
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

base, token, channel, hook, build, db_label = sys.argv[1:7]


def request(url, body=None, method=None, headers=None):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=300) as res:
            payload = res.read()
            status = res.status
    except urllib.error.HTTPError as e:
        payload = e.read()
        status = e.code
    return status, time.perf_counter() - started, payload


stop = threading.Event()
plain_latencies = []


def plain_load():
    while not stop.is_set():
        _, took, _ = request(f"{base}/api/v1/auths/", headers={"Authorization": f"Bearer {token}"})
        plain_latencies.append(took)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


# A plain request's latency with nothing else running.
for _ in range(200):
    request(f"{base}/api/v1/auths/", headers={"Authorization": f"Bearer {token}"})
quiet = []
for _ in range(300):
    quiet.append(request(f"{base}/api/v1/auths/", headers={"Authorization": f"Bearer {token}"})[1])

loader = threading.Thread(target=plain_load)
loader.start()

figures = []
# 1 MiB adversarial Slack bodies (over Slack's 40,000-character cap: a clear
# 400 before any conversion), bodies just under that cap (converted, then
# over Parley's 16,000-character message limit: 400 msg_too_long) and
# bodies just under the message limit (converted and stored: 200).
for label, text in [
    ("1 MiB '*a ' Slack body", "*a " * 349_000),
    ("1 MiB backtick-run Slack body", "`" * 1_040_000),
    ("39,999-char '*a ' Slack body", ("*a " * 13_333)),
    ("39,999-char backtick-pair Slack body", ("`` " * 13_333)),
    ("15,999-char '*a ' Slack body", ("*a " * 5_333)),
    ("15,999-char backtick-pair Slack body", ("`` " * 5_333)),
]:
    body = json.dumps({"text": text})
    status, took, _ = request(f"{hook}/slack", body)
    figures.append((f"{label} ({len(body):,} bytes)", f"HTTP {status} in {ms(took)}"))

# 20 maximally nested 16,000-character messages: post, then list.
nested = "- " * 7_999 + "x"
post_times = []
for _ in range(20):
    status, took, _ = request(hook, json.dumps({"content": nested}))
    assert status == 200, status
    post_times.append(took)
figures.append(("post one 16,000-char nested message (max of 20)", ms(max(post_times))))
list_times = []
size = 0
for _ in range(5):
    status, took, payload = request(
        f"{base}/api/v1/channels/{channel}/messages", headers={"Authorization": f"Bearer {token}"}
    )
    assert status == 200, status
    list_times.append(took)
    size = len(payload)
figures.append((f"list the channel ({size:,} bytes, median of 5)", ms(statistics.median(list_times))))
page_times = []
for _ in range(5):
    status, took, payload = request(
        f"{base}/channels/{channel}", headers={"Cookie": f"parley_session={token}"}
    )
    page_times.append(took)
    size = len(payload)
figures.append((f"server-rendered channel page ({size:,} bytes, median of 5)", ms(statistics.median(page_times))))

stop.set()
loader.join()


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


print(f"B5 worst-case inputs, {build} build, {db_label}:")
for label, value in figures:
    print(f"  {label}: {value}")
print(f"  plain GET /api/v1/auths/: quiet p99 {ms(p99(quiet))}; while the above ran p99 "
      f"{ms(p99(plain_latencies))} over {len(plain_latencies)} requests")
for label, value in figures:
    print(f"B5 | {label} | {value} | < 100 ms after the body is read | {build} | {db_label}")
print(f"B5 | plain request p99 while worst-case bodies run | {ms(p99(plain_latencies))} "
      f"(quiet {ms(p99(quiet))}) | < 50 ms | {build} | {db_label}")
