import ipaddress

import pytest

from dedup.netguard import blocked_reason, literal_ip


@pytest.mark.parametrize("ip", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "::1", "::",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a00:1",
    "2002:7f00:1::", "fd00:ec2::254", "fe80::1", "fc00::1", "224.0.0.1", "255.255.255.255",
])
def test_blocked(ip: str) -> None:
    assert blocked_reason(ip)


@pytest.mark.parametrize("ip", ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1",
                                "2606:4700::1111", "::ffff:8.8.8.8", "1.1.1.1"])
def test_allowed(ip: str) -> None:
    assert blocked_reason(ip) is None


@pytest.mark.parametrize("host,ip", [
    ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("[::1]", "::1"), ("10.0.0.1.", "10.0.0.1"),
])
def test_literal_forms(host: str, ip: str) -> None:
    assert literal_ip(host) == ipaddress.ip_address(ip)
    assert blocked_reason(literal_ip(host))  # type: ignore[arg-type]


@pytest.mark.parametrize("host", ["example.com", "face.example", "0x7f.example", "localhost"])
def test_host_names_are_not_literals(host: str) -> None:
    assert literal_ip(host) is None
