"""The machine's own addresses (app/netaddr.py) against what the system itself reports (`ip -o addr`,
`hostname -I`), their spelling, their cache, and the base URL students are given."""

from __future__ import annotations

import ipaddress
import itertools
import shutil
import subprocess
import time

import pytest

from app import netaddr
from app.config import Settings
from app.netaddr import is_own_address, normalize, own_addresses, primary_address, student_base_url


def system_addresses(*command: str) -> set[str] | None:
    """The addresses a system command lists (normalised), or None when the command is not there: for
    `ip -o addr` the word after each "inet" / "inet6" (without its prefix length), else every word."""
    if shutil.which(command[0]) is None:
        return None
    words = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True).stdout.split()
    if command[0] == "ip":
        words = [nxt.split("/")[0] for word, nxt in itertools.pairwise(words) if word in ("inet", "inet6")]
    return {name for word in words if (name := normalize(word)) is not None}


def test_own_addresses_hold_loopback_and_the_primary_address() -> None:
    own = own_addresses()
    assert {"127.0.0.1", "::1"} <= own
    primary = primary_address()
    if primary is not None:
        assert primary in own
        ip = ipaddress.ip_address(primary)
        assert ip.version == 4 and not ip.is_loopback and not ip.is_link_local
    assert all(normalize(address) == address for address in own)


@pytest.mark.parametrize("command", [("ip", "-o", "addr"), ("hostname", "-I")])
def test_own_addresses_hold_every_address_the_system_lists(command: tuple[str, ...]) -> None:
    listed = system_addresses(*command)
    if listed is None:
        pytest.skip(f"{command[0]} is not installed")
    assert listed, f"{' '.join(command)} listed no address"
    assert listed <= own_addresses(0.0), listed - own_addresses()


def test_addresses_are_spelled_one_way() -> None:
    assert normalize("[FE80::0001%eth0]") == "fe80::1"
    assert normalize(" 2001:DB8:0:0::7 ") == "2001:db8::7"
    assert normalize("::ffff:192.0.2.9") == "192.0.2.9"
    assert normalize("127.0.0.1") == "127.0.0.1"
    assert normalize("lab.example.edu") is None and normalize("") is None and normalize("1.2.3") is None


def test_loopback_and_own_addresses_are_ours_and_others_are_not() -> None:
    assert is_own_address("127.0.0.1") and is_own_address("127.45.6.7") and is_own_address("[::1]")
    assert is_own_address("::ffff:127.0.0.1")
    for address in own_addresses():
        assert is_own_address(f"[{address.upper()}]" if ":" in address else address), address
    assert not is_own_address("203.0.113.77") and not is_own_address("2001:db8::77")
    assert not is_own_address("0.0.0.0") and not is_own_address("lab.example.edu")


def test_the_addresses_are_read_again_once_older_than_the_setting() -> None:
    seconds = Settings().own_addresses_cache_seconds
    assert 1.0 <= seconds <= 300.0  # long enough that requests do not pay, short enough to follow a move
    first = own_addresses(0.0)  # read now
    assert own_addresses(seconds) is first  # kept
    time.sleep(0.05)
    again = own_addresses(0.01)  # older than 10 ms: read again
    assert again is not first and again == first
    netaddr._cache = (time.monotonic() - seconds, frozenset({"192.0.2.250"}), None)  # read `seconds` ago
    assert own_addresses(seconds) == first and primary_address(seconds) == primary_address(0.0)


def test_students_get_the_public_url_else_the_network_address_else_the_address_reached() -> None:
    def base(public: str = "", reached: str = "http://127.0.0.1:8000/", wildcard: bool = True) -> str:
        return student_base_url(public, reached, wildcard=wildcard, port=8000, primary="192.0.2.7")

    assert base(public="http://lab.example.edu:8000/") == "http://lab.example.edu:8000"
    assert base() == "http://192.0.2.7:8000"
    for loopback in ["http://localhost:8000/", "http://[::1]:8000/", "http://127.0.1.1:8000/"]:
        assert base(reached=loopback) == "http://192.0.2.7:8000", loopback
    assert base(reached="http://192.0.2.7:8000/") == "http://192.0.2.7:8000"
    assert base(reached="http://lab.local:8000/") == "http://lab.local:8000"
    assert base(wildcard=False) == "http://127.0.0.1:8000"  # on loopback only, students cannot reach it
    no_network = student_base_url("", "http://127.0.0.1:8000/", wildcard=True, port=8000, primary=None)
    assert no_network == "http://127.0.0.1:8000"
    v6 = student_base_url("", "http://[::1]:9000/", wildcard=True, port=9000, primary="2001:db8::7")
    assert v6 == "http://[2001:db8::7]:9000"
