"""`gwr ui` serves the Dagster UI on 127.0.0.1 unless told otherwise (SPEC §8)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dagster_project.cli import app
from tests.fixtures.processes import GWR, gwr_env

LISTEN = "0A"


def listening_sockets() -> list[tuple[str, int, int]]:
    """(address, port, inode) of every listening TCP socket of the machine."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table, encoding="ascii") as fh:
            next(fh)
            for line in fh:
                fields = line.split()
                if fields[3] != LISTEN:
                    continue
                addr_hex, port_hex = fields[1].split(":")
                found.append((_address(addr_hex), int(port_hex, 16), int(fields[9])))
    return found


def _address(hex_addr: str) -> str:
    raw = bytes.fromhex(hex_addr)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # IPv6 in /proc is four little-endian 32-bit words.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def socket_inodes_of_group(pgid: int) -> set[int]:
    """Inodes of the sockets held by the processes of one process group."""
    inodes = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getpgid(int(pid)) != pgid:
                continue
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
    return inodes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ui_process(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [GWR, "ui", "--port", str(port)], env=gwr_env(tmp_path / "dagster_home"), cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    yield proc, port
    # Stop the UI's own process group (started above): politely, then for sure.
    for sig, grace in ((signal.SIGINT, 10.0), (signal.SIGKILL, 30.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(grace)
            break
        except subprocess.TimeoutExpired:
            continue


def test_the_webserver_listens_on_loopback_only_by_default(ui_process):
    proc, port = ui_process
    deadline = time.monotonic() + 300
    mine: list[tuple[str, int, int]] = []
    while time.monotonic() < deadline and proc.poll() is None:
        mine = [s for s in listening_sockets() if s[1] == port]
        if mine:
            break
        time.sleep(0.5)
    assert mine, f"nothing listens on port {port} (exit code {proc.poll()})"
    assert {addr for addr, _, _ in mine} == {"127.0.0.1"}
    # It is the Dagster webserver that answers there.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=30) as response:
        assert response.status == 200
        assert b"dagster" in response.read().lower()
    # No process of the UI listens on any other address either.
    inodes = socket_inodes_of_group(proc.pid)
    theirs = [(addr, p) for addr, p, inode in listening_sockets() if inode in inodes]
    assert (("127.0.0.1", port)) in theirs
    assert all(addr in ("127.0.0.1", "::1") for addr, _ in theirs), theirs


def test_the_address_is_only_changed_when_asked(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(os, "chdir", lambda path: None)
    monkeypatch.setattr(os, "execve", lambda path, args, env: calls.append(args))
    runner = CliRunner()
    assert runner.invoke(app, ["ui"]).exit_code == 0
    assert runner.invoke(app, ["ui", "--host", "0.0.0.0", "--port", "8080"]).exit_code == 0
    default, asked = calls
    assert default[default.index("-h") + 1] == "127.0.0.1" and default[default.index("-p") + 1] == "3000"
    assert asked[asked.index("-h") + 1] == "0.0.0.0" and asked[asked.index("-p") + 1] == "8080"
    assert Path(default[0]).name == "dagster" and default[1] == "dev"
