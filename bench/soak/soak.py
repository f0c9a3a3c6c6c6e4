#!/usr/bin/env python3
"""Soak driver for scripts/soak: mixed client traffic against a Tally cluster for a bounded time,
then the invariants a client relies on. Loopback only; Python 3 standard library only.

It serves the pages the jobs fetch and receives their webhooks itself (a local site: ordinary
pages, slow ones, 404s, 503s, redirects, a refused content type, and a closed port), and runs
CLIENTS threads that each submit a job (URL or text, some with a callbackUrl, some with an
Idempotency-Key that is replayed), sometimes cancel it, follow it (long-poll, event stream or
plain polls), read its words (JSON and CSV), sometimes delete it, and now and then list jobs or
use the compatible API. Afterwards: every job that was not deleted is terminal, every event
stream ended with a terminal state, every webhook arrived (once per delivery id, with the right
event), replays returned the same job, and no request failed with 5xx or a broken connection.
Exit status 0 when all hold, 1 otherwise; the last line is a JSON summary.
"""
import argparse, collections, http.client, http.server, json, random, socketserver, sys, threading, time

TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
WORDS = "the quick brown fox jumps over the lazy dog and a cat sat on the mat while rain fell".split()

args = None
stats = collections.Counter()
stats_lock = threading.Lock()
submitted = {}          # job id -> (kind, has callback)
deleted = set()
hooks = collections.defaultdict(list)   # job id -> [(delivery id, event)]
state_lock = threading.Lock()
local = threading.local()


def count(key, n=1):
    with stats_lock:
        stats[key] += n


def page(n):
    rnd = random.Random(n)
    body = " ".join(rnd.choice(WORDS) for _ in range(800))
    return (f"<html><head><title>p{n}</title><script>var x=1;</script></head>"
            f"<body><h1>page {n}</h1><p>{body}</p></body></html>").encode()


class Site(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", ctype="text/html; charset=utf-8", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path
        if p.startswith("/page"):
            return self.send(200, page(int(p.split("=")[1])))
        if p.startswith("/slow"):
            time.sleep(3)
            return self.send(200, page(7))
        if p.startswith("/flaky"):
            return self.send(503, b"busy", extra=(("Retry-After", "1"),))
        if p.startswith("/redirect"):
            return self.send(302, b"", extra=(("Location", "/page?n=3"),))
        if p.startswith("/binary"):
            return self.send(200, b"\x00" * 1000, "application/octet-stream")
        return self.send(404, b"<p>not here</p>")   # /missing, /robots.txt

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if random.random() < 0.1:   # a receiver that fails now and then: the delivery is retried
            return self.send(500, b"try later", "text/plain")
        job = json.loads(body)
        with state_lock:
            hooks[job["id"]].append((self.headers.get("Tally-Delivery"), self.headers.get("Tally-Event")))
        self.send(204)


class SiteServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        count("site: connection ended by Tally (" + type(sys.exc_info()[1]).__name__ + ")")


def call(method, path, body=None, headers=None):
    """One request on this thread's connection. With --outage-seconds, a broken connection or a
    503 (the service restarting) is retried, as a careful client would, until that much time has
    passed; otherwise, and once that time is spent, it is a failure."""
    h = dict(headers or {})
    if body is not None:
        body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    give_up = time.time() + args.outage_seconds
    while True:
        try:
            c = getattr(local, "c", None)
            if c is None:
                c = local.c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=75)
            c.request(method, path, body, h)
            r = c.getresponse()
            data = r.read()
            if r.status == 503 and time.time() < give_up:
                count(f"{method} answered 503, retried")
                time.sleep(1)
                continue
            if r.status >= 500:
                count(f"FAIL: {method} answered {r.status}")
            return r.status, dict(r.getheaders()), data
        except Exception as e:
            local.c = None
            if time.time() < give_up:
                count(f"{method} broken connection, retried")
                time.sleep(1)
                continue
            count(f"FAIL: {method} broken connection ({type(e).__name__})")
            return 0, {}, b""


def submit(i):
    site = f"http://127.0.0.1:{args.site_port}"
    r = random.random()
    if r < 0.45:
        kind, body = "page", {"url": f"{site}/page?n={i}"}
    elif r < 0.75:
        kind, body = "text", {"text": " ".join(random.choice(WORDS) for _ in range(random.randint(1, 3000)))}
    elif r < 0.80:
        kind, body = "slow", {"url": f"{site}/slow?i={i}"}
    elif r < 0.85:
        kind, body = "missing", {"url": f"{site}/missing?i={i}"}
    elif r < 0.88:
        kind, body = "flaky", {"url": f"{site}/flaky?i={i}"}
    elif r < 0.92:
        kind, body = "redirect", {"url": f"{site}/redirect?i={i}"}
    elif r < 0.95:
        kind, body = "binary", {"url": f"{site}/binary?i={i}"}
    else:
        kind, body = "closed-port", {"url": f"http://127.0.0.1:9/?i={i}"}
    hooked = random.random() < 0.2
    if hooked:
        body["callbackUrl"] = f"{site}/hook"
    replayed = random.random() < 0.1
    # A client that retries a submission after a broken connection must send a key, or the retry
    # could make a second job; with outages expected, every submission carries one.
    headers = {"Idempotency-Key": f"soak-{args.run}-{i}"} if replayed or args.outage_seconds else {}
    status, _, data = call("POST", "/api/v1/jobs", body, headers)
    count(f"submit {status}")
    if status != 202:
        return None
    job_id = json.loads(data)["id"]
    with state_lock:
        submitted[job_id] = (kind, hooked)
    if replayed:
        status, replay_headers, data = call("POST", "/api/v1/jobs", body, headers)
        if status != 202 or json.loads(data)["id"] != job_id or replay_headers.get("Idempotent-Replayed") != "true":
            count("FAIL: an idempotent replay did not return the same job")
    return job_id


def follow(job_id):
    how = random.random()
    if how < 0.5:
        etag = None
        for _ in range(60):
            status, headers, data = call("GET", f"/api/v1/jobs/{job_id}?waitSeconds=10", None,
                                         {"If-None-Match": etag} if etag else {})
            count(f"long-poll {status}")
            if status == 200:
                etag = headers.get("ETag")
                job = json.loads(data)
                if job["status"] in TERMINAL:
                    return job
            elif status != 304:
                time.sleep(0.5)
    elif how < 0.6:
        give_up = time.time() + args.outage_seconds
        while True:
            c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=75)
            try:
                c.request("GET", f"/api/v1/jobs/{job_id}/events", headers={"Accept": "text/event-stream"})
                r = c.getresponse()
                count(f"event stream {r.status}")
                last = None
                if r.status == 200:
                    for line in r:
                        line = line.decode().strip()
                        if line.startswith("data:"):
                            last = json.loads(line[5:])
                if last and last["status"] in TERMINAL:
                    return last
                problem = "FAIL: an event stream ended before a terminal state"
            except Exception as e:
                problem = f"FAIL: an event stream broke ({type(e).__name__})"
            finally:
                c.close()
            if time.time() >= give_up:
                count(problem)
                return None
            count("event stream reconnected")   # as an EventSource does, after the service restarted
            time.sleep(1)
    else:
        for _ in range(600):
            status, _, data = call("GET", f"/api/v1/jobs/{job_id}")
            count(f"poll {status}")
            if status == 200 and json.loads(data)["status"] in TERMINAL:
                return json.loads(data)
            time.sleep(0.3)
    count("FAIL: a follower gave up before a terminal state")
    return None


def client(deadline, per_second, first):
    i = first
    while time.time() < deadline:
        started = time.time()
        i += 1
        job_id = submit(i)
        if job_id:
            r = random.random()
            if r < 0.03:
                status, _, _ = call("POST", f"/api/v1/jobs/{job_id}/cancel")
                count(f"cancel {status}")
            job = follow(job_id)
            if job and job["status"] == "SUCCEEDED" and random.random() < 0.2:
                count(f"words {call('GET', f'/api/v1/jobs/{job_id}/words?limit=50')[0]}")
                count(f"words csv {call('GET', f'/api/v1/jobs/{job_id}/words', None, {'Accept': 'text/csv'})[0]}")
            if job and r > 0.97:
                status, _, _ = call("DELETE", f"/api/v1/jobs/{job_id}")
                count(f"delete {status}")
                # 404: a retried delete whose first try went through before the connection broke
                if status == 204 or (status == 404 and args.outage_seconds):
                    with state_lock:
                        deleted.add(job_id)
            if random.random() < 0.01:
                count(f"compatible API {call('GET', f'/word-count?job_id={job_id}')[0]}")
        if random.random() < 0.02:
            count(f"list {call('GET', '/api/v1/jobs?limit=50')[0]}")
        pause = 1.0 / per_second - (time.time() - started)
        if pause > 0:
            time.sleep(pause)


def main():
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True, help="Tally (or its load balancer) on 127.0.0.1")
    parser.add_argument("--site-port", type=int, required=True, help="where this driver serves pages and receives webhooks")
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=100, help="submissions per second the clients aim at, together")
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--settle", type=float, default=600, help="seconds to wait for every job to end")
    parser.add_argument("--run", default=str(int(time.time())), help="tag of this run's idempotency keys")
    parser.add_argument("--outage-seconds", type=float, default=0,
                        help="how long requests are retried through a broken connection or a 503 (the service"
                             " restarting); 0: any is a failure")
    args = parser.parse_args()

    site = SiteServer(("127.0.0.1", args.site_port), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    deadline = time.time() + args.seconds
    threads = [threading.Thread(target=client, args=(deadline, args.rate / args.clients, k * 10_000_000), daemon=True)
               for k in range(args.clients)]
    for t in threads:
        t.start()
    started = time.time()
    next_report = started + 60
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if time.time() >= next_report:
            next_report += 60
            print(f"[{time.time() - started:.0f} s] {len(submitted)} jobs accepted", flush=True)
    print(f"clients done after {time.time() - started:.0f} s; waiting for every job to end", flush=True)

    pending = {j for j in submitted if j not in deleted}
    final = {}
    settle_until = time.time() + args.settle
    while pending and time.time() < settle_until:
        for job_id in list(pending):
            status, _, data = call("GET", f"/api/v1/jobs/{job_id}")
            if status == 200 and json.loads(data)["status"] in TERMINAL:
                final[job_id] = json.loads(data)
                pending.discard(job_id)
            elif status == 404:
                count("FAIL: a job that was not deleted is gone")
                pending.discard(job_id)
        if pending:
            time.sleep(5)
    if pending:
        count("FAIL: jobs not terminal after the settle time", len(pending))

    hooked = [j for j, (_, h) in submitted.items() if h and j in final]
    hooks_until = time.time() + 120   # retries of deliveries the receiver failed
    while time.time() < hooks_until:
        with state_lock:
            if all(j in hooks for j in hooked):
                break
        time.sleep(2)
    with state_lock:
        missing = [j for j in hooked if j not in hooks]
        two_ids = [j for j in hooked if len({d for d, _ in hooks.get(j, [])}) > 1]
        wrong = [j for j in hooked if any(e != "job." + final[j]["status"].lower() for _, e in hooks.get(j, []))]
    if missing:
        count("FAIL: webhooks never delivered", len(missing))
    if two_ids:
        count("FAIL: jobs whose webhook came with two delivery ids", len(two_ids))
    if wrong:
        count("FAIL: webhooks with the wrong event", len(wrong))

    outcomes = collections.Counter()
    for job_id, job in final.items():
        code = (job.get("error") or {}).get("code")
        outcomes[f"{submitted[job_id][0]} {job['status']}{' ' + code if code else ''}"] += 1
    for key, n in sorted(outcomes.items()):
        print(f"  {key}: {n}")
    with stats_lock:
        summary = dict(sorted(stats.items()))
    for key, n in summary.items():
        print(f"  {key}: {n}")
    failures = {k: v for k, v in summary.items() if k.startswith("FAIL")}
    print(f"{len(submitted)} jobs accepted, {len(final)} ended, {len(deleted)} deleted, "
          f"{len(hooked)} webhooks expected; {'FAILED: ' + json.dumps(failures) if failures else 'all invariants held'}")
    print(json.dumps({"accepted": len(submitted), "ended": len(final), "deleted": len(deleted),
                      "webhooks": len(hooked), "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
