#!/usr/bin/env python3
"""A trace collector that keeps nothing: answers every OTLP/HTTP export (POST /v1/traces) with 200
and counts the bytes, so a benchmark can measure what sending traces costs Tally without a real
collector. Loopback only. Usage: bench/otlp-sink.py [PORT=4318]; prints totals when stopped."""
import http.server
import signal
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 4318
received = {"exports": 0, "bytes": 0}


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        received["exports"] += 1
        received["bytes"] += length
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def report(*_):
    print(f"otlp-sink: {received['exports']} exports, {received['bytes']} bytes", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, report)
signal.signal(signal.SIGINT, report)
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Sink).serve_forever()
