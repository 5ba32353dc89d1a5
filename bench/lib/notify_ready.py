#!/usr/bin/env python3
"""Starts a command as a systemd Type=notify service would and times it until READY=1.

    notify_ready.py SOCKET_PATH COMMAND...

Binds a datagram socket at SOCKET_PATH, runs COMMAND with NOTIFY_SOCKET pointing at it, and
prints "PID SECONDS" (exec to READY=1) as soon as READY=1 arrives. Then it waits for the
command to exit and exits with its status. Exit 3 if the command exits or stays silent for
15 s before READY=1.
"""
import os
import socket
import subprocess
import sys
import time

READY_TIMEOUT_S = 15.0


def wait_ready(sock, child, started_s):
    sock.settimeout(0.1)
    while time.monotonic() - started_s < READY_TIMEOUT_S:
        if child.poll() is not None:
            return None
        try:
            message = sock.recv(4096).decode(errors="replace")
        except socket.timeout:
            continue
        if "READY=1" in message.split("\n"):
            return time.monotonic() - started_s
    return None


def main():
    path, command = sys.argv[1], sys.argv[2:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    started_s = time.monotonic()
    child = subprocess.Popen(command, env=env)
    ready_s = wait_ready(sock, child, started_s)
    if ready_s is None:
        print(f"notify_ready: no READY=1 from {command[0]}", file=sys.stderr)
        if child.poll() is None:
            child.kill()
        child.wait()
        sys.exit(3)
    print(f"{child.pid} {ready_s:.4f}", flush=True)
    # Later messages (STATUS=, STOPPING=1) are read and dropped so the sender never blocks.
    sock.settimeout(0.5)
    while child.poll() is None:
        try:
            sock.recv(4096)
        except socket.timeout:
            pass
    sys.exit(child.returncode if child.returncode >= 0 else 128 - child.returncode)


if __name__ == "__main__":
    main()
