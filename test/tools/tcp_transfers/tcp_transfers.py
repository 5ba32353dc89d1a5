#!/usr/bin/env python3
"""TCP transfers whose goodput and congestion control a test can check.

  tcp_transfers.py serve PORT
      Accepts connections on every address; reads each to its end, then closes it.
  tcp_transfers.py send HOST PORT --count N --bytes B [--congestion NAME]
      N transfers one after another, each on a new connection: B bytes sent, then the time
      until the receiver has read them all (it closes after the end). Prints one JSON line per
      transfer ({"seconds", "bytes", "congestion"}: the algorithm the socket had at the end),
      then {"goodput_bps": ...} over all of them. --congestion sets TCP_CONGESTION first, as an
      application with its own choice does. --parallel starts all N at once (goodput is then
      their bytes over the longest one's time).
  tcp_transfers.py hold-serve PORT
      Accepts connections and never reads them: what is sent to it stays queued.
  tcp_transfers.py hold HOST PORT --connections N
      N connections to a hold-serve, each sent as much as its send buffer takes, then kept
      open until killed: TCP memory the kernel counts and does not get back. Prints
      {"queued_bytes": n} once they are full.
  tcp_transfers.py connect-many FIRST_ADDRESS COUNT PORT
      COUNT connections to COUNT consecutive IPv4 addresses from FIRST_ADDRESS, each closed
      once established. Prints {"connected": n}.
"""
import argparse
import ipaddress
import json
import socket
import struct
import sys
import threading
import time

TIMEOUT_S = 120
CHUNK = 64 * 1024


def drain(conn):
    with conn:
        conn.settimeout(TIMEOUT_S)
        try:
            while conn.recv(CHUNK):
                pass
        except OSError:
            pass


def listen_everywhere(port):
    listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    listener.bind(("::", port))
    listener.listen(1024)
    return listener


def serve(port):
    listener = listen_everywhere(port)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


def congestion_of(sock):
    name = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16)
    return name.split(b"\0", 1)[0].decode()


def one_transfer(host, port, size, congestion):
    payload = b"\0" * CHUNK
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(TIMEOUT_S)
        if congestion:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, congestion.encode())
        start = time.monotonic()
        sock.connect((host, port))
        left = size
        while left > 0:
            left -= sock.send(payload[:min(left, CHUNK)])
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(CHUNK):
            pass
        # The receiver has read everything: whatever moved the connection has moved it.
        algorithm = congestion_of(sock)
        return {"seconds": time.monotonic() - start, "bytes": size, "congestion": algorithm}


def send(host, port, count, size, congestion):
    total_bytes, total_seconds = 0, 0.0
    for _ in range(count):
        result = one_transfer(host, port, size, congestion)
        print(json.dumps(result), flush=True)
        total_bytes += result["bytes"]
        total_seconds += result["seconds"]
    print(json.dumps({"goodput_bps": int(total_bytes * 8 / total_seconds)}), flush=True)


def send_parallel(host, port, count, size, congestion):
    results, errors = [None] * count, []

    def run(i):
        try:
            results[i] = one_transfer(host, port, size, congestion)
        except OSError as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.exit(f"tcp_transfers: {len(errors)} of {count} transfers failed: {errors[0]}")
    for result in results:
        print(json.dumps(result), flush=True)
    longest = max(result["seconds"] for result in results)
    print(json.dumps({"goodput_bps": int(count * size * 8 / longest)}), flush=True)


def hold_serve(port):
    listener = listen_everywhere(port)
    held = []
    while True:
        held.append(listener.accept()[0])


def hold(host, port, connections):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    payload = b"\0" * CHUNK
    held, queued = [], 0
    for _ in range(connections):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)  # capped by wmem_max
        # Killed, it resets them: a closed socket with unsent data would linger as an orphan
        # (a minute or more, holding the memory) behind a peer that never reads.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.settimeout(TIMEOUT_S)
        sock.connect((host, port))
        sock.setblocking(False)
        held.append(sock)
    # For 2 s, whatever each send buffer takes: the peer's window closes, then nothing leaves.
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        for sock in held:
            try:
                queued += sock.send(payload)
            except BlockingIOError:
                pass
        time.sleep(0.01)
    print(json.dumps({"queued_bytes": queued}), flush=True)
    while True:
        time.sleep(3600)


def connect_many(first, count, port):
    connected = 0
    address = ipaddress.IPv4Address(first)
    for i in range(count):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            try:
                sock.connect((str(address + i), port))
                connected += 1
            except OSError as error:
                print(f"connect to {address + i}: {error}", file=sys.stderr)
    print(json.dumps({"connected": connected}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_args = commands.add_parser("serve")
    serve_args.add_argument("port", type=int)
    send_args = commands.add_parser("send")
    send_args.add_argument("host")
    send_args.add_argument("port", type=int)
    send_args.add_argument("--count", type=int, default=1)
    send_args.add_argument("--bytes", type=int, default=1 << 20)
    send_args.add_argument("--congestion")
    send_args.add_argument("--parallel", action="store_true")
    hold_serve_args = commands.add_parser("hold-serve")
    hold_serve_args.add_argument("port", type=int)
    hold_args = commands.add_parser("hold")
    hold_args.add_argument("host")
    hold_args.add_argument("port", type=int)
    hold_args.add_argument("--connections", type=int, default=8)
    many_args = commands.add_parser("connect-many")
    many_args.add_argument("first")
    many_args.add_argument("count", type=int)
    many_args.add_argument("port", type=int)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port)
    elif args.command == "send":
        transfers = send_parallel if args.parallel else send
        transfers(args.host, args.port, args.count, args.bytes, args.congestion)
    elif args.command == "hold-serve":
        hold_serve(args.port)
    elif args.command == "hold":
        hold(args.host, args.port, args.connections)
    else:
        connect_many(args.first, args.count, args.port)


if __name__ == "__main__":
    main()
