#!/usr/bin/env python3
"""Hostile clients against bpftune's query socket, and one good client served meanwhile.

usage: query_hostile.py SOCKET REQUEST_TIMEOUT_SECONDS

Opens four bad connections (random bytes, a 1 MiB request, a half-sent request, an idle
connection), then asks for status on a fifth. The good client must get its reply while the
half-sent and idle clients are still waiting, in well under the request timeout; every bad
client must then get an error reply. Exits 1 with the reason otherwise.
"""
import json
import os
import select
import socket
import sys
import threading
import time


def connect(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    return sock


def read_reply(sock):
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout) as e:
        if not data:
            return None, f"no reply ({e})"
    try:
        return json.loads(data), None
    except ValueError as e:
        return None, f"reply is not JSON ({e}): {data[:200]!r}"


def send_ignoring_close(sock, data):
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the daemon refused the rest; its error reply is still there to read


def waiting(sock):
    """True while the daemon has neither replied nor closed."""
    readable, _, _ = select.select([sock], [], [], 0)
    return not readable


def main():
    path, timeout_s = sys.argv[1], float(sys.argv[2])
    failures = []

    bad = {name: connect(path) for name in ("random bytes", "1 MiB", "half-sent", "idle")}
    send_ignoring_close(bad["random bytes"], os.urandom(3000) + b"\n")
    big = threading.Thread(target=send_ignoring_close, args=(bad["1 MiB"], b"x" * (1 << 20)))
    big.start()
    send_ignoring_close(bad["half-sent"], b'{"request":"sta')

    started = time.monotonic()
    good = connect(path)
    good.sendall(b'{"request":"status"}\n')
    reply, error = read_reply(good)
    elapsed_s = time.monotonic() - started
    if error or not reply.get("ok"):
        failures.append(f"the good client got {error or reply}")
    if elapsed_s > timeout_s / 2:
        failures.append(f"the good client waited {elapsed_s:.2f} s (request timeout {timeout_s} s)")
    for name in ("half-sent", "idle"):
        if not waiting(bad[name]):
            failures.append(f"the {name} client was answered before the good client finished")
    print(f"good client served in {elapsed_s * 1000:.0f} ms while 4 bad clients were connected")

    big.join()
    for name, sock in bad.items():
        reply, error = read_reply(sock)
        if error or reply.get("ok") is not False or not reply.get("error"):
            failures.append(f"the {name} client got {error or reply}, expected an error reply")
        else:
            print(f"{name}: {reply['error']}")

    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
