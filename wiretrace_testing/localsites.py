"""Local websites for the demo, the tests and the benchmarks: many virtual hosts on one
loopback port, each a set of routes (path and query -> status, headers, body).

A site tree is a directory with one folder per host, holding ``routes.json`` and the bodies::

    builder = SiteBuilder()
    builder.page("news.test", "/a/story.html", html)
    builder.write(root)
    server = start_server(root)            # a process of its own; server.port, server.stop()

Host names are mapped to 127.0.0.1 through a hosts file (``write_hosts``) that the crawler
reads (setting ``WIRETRACE_HOSTS_FILE``), so pages are served under the names they claim.
"""

import argparse
import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

ROUTES = "routes.json"


class SiteBuilder:
    def __init__(self) -> None:
        self.routes: dict[str, dict[str, dict[str, Any]]] = {}
        self.bodies: dict[str, dict[str, bytes]] = {}

    def page(self, host: str, path: str, body: str | bytes,
             content_type: str = "text/html; charset=utf-8", status: int = 200,
             headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        name = hashlib.sha1(path.encode()).hexdigest()[:16] + ".body"
        self.routes.setdefault(host, {})[path] = {
            "file": name, "status": status,
            "headers": {"Content-Type": content_type, **(headers or {})}}
        self.bodies.setdefault(host, {})[name] = data

    def trickle(self, host: str, path: str, seconds_per_byte: float = 1.0) -> None:
        """A page that sends its body one byte at a time, forever (a slow-loris server)."""
        self.page(host, path, b"")
        self.routes[host][path]["trickle"] = seconds_per_byte

    def delay(self, host: str, path: str, seconds: float) -> None:
        """Answer this page after a pause (a slow server, not a hostile one)."""
        self.routes[host][path]["delay"] = seconds

    def redirect(self, host: str, path: str, location: str, status: int = 301) -> None:
        self.page(host, path, b"", status=status, headers={"Location": location})

    def hosts(self) -> list[str]:
        return sorted(self.routes)

    def write(self, root: str | Path) -> Path:
        root = Path(root)
        for host, routes in self.routes.items():
            d = root / host
            d.mkdir(parents=True, exist_ok=True)
            for name, data in self.bodies[host].items():
                (d / name).write_bytes(data)
            (d / ROUTES).write_text(json.dumps(routes, indent=1, sort_keys=True))
        return root


def write_hosts(path: str | Path, hosts: list[str], address: str = "127.0.0.1") -> Path:
    p = Path(path)
    p.write_text("".join(f"{address} {h}\n" for h in sorted(hosts)))
    return p


def _load(root: Path) -> dict[str, dict[str, dict[str, Any]]]:
    sites = {}
    for d in sorted(root.iterdir()):
        if (d / ROUTES).exists():
            sites[d.name.lower()] = json.loads((d / ROUTES).read_text())
    return sites


class _Handler(BaseHTTPRequestHandler):
    server_version = "wiretrace-localsites"
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites do (every answer has a length)
    # Headers and body go out in two writes; with Nagle's algorithm the end of the body then
    # waited for the client's delayed ACK of the headers, 40 ms on one page in five (a
    # sequential client such as trafilatura's fetch_url spent most of its fetch time there)
    disable_nagle_algorithm = True
    sites: ClassVar[dict[str, dict[str, dict[str, Any]]]] = {}
    root: Path = Path(".")
    access_log: Path | None = None  # each GET appended as "host path" (tests count fetches)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        if self.access_log is not None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            with self.access_log.open("a") as log:  # one short append: whole lines
                log.write(f"{host} {self.path}\n")
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        site = self.sites.get(host)
        route = site.get(self.path) if site else None
        if route is None and site and "?" in self.path:
            route = site.get(self.path.split("?")[0])
        if route is None:
            body = b"<html><body><h1>Not found</h1></body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        if route.get("trickle"):
            self._trickle(float(route["trickle"]))
            return
        if route.get("delay"):
            time.sleep(float(route["delay"]))
        data = b"" if not route["file"] else (self.root / host / route["file"]).read_bytes()
        self.send_response(route["status"])
        for k, v in route["headers"].items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)


    def _trickle(self, pause: float) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(b"<html><body><p>")
            for _ in range(100_000):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the client gave up: what a crawler with a timeout does


def make_server(root: str | Path, port: int = 0, host: str = "127.0.0.1",
                handler: type[BaseHTTPRequestHandler] = _Handler,
                access_log: Path | None = None) -> ThreadingHTTPServer:
    root = Path(root)
    cls = type("Handler", (handler,), {"sites": _load(root), "root": root,
                                       "access_log": access_log})
    server = ThreadingHTTPServer((host, port), cls)
    server.daemon_threads = True
    return server


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(root: str | Path, port: int = 0,
                 access_log: Path | None = None) -> ServerProcess:
    """Serve a site tree from a process of its own; returns when it answers. With
    ``access_log``, every GET is appended to that file as ``host path``."""
    port = port or free_port()
    log = ["--access-log", str(access_log)] if access_log else []
    proc = subprocess.Popen([sys.executable, "-m", "wiretrace_testing.localsites", str(root),
                             "--port", str(port), *log], env={**os.environ})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the local sites server exited with {proc.returncode} "
                               f"(is port {port} in use?)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return ServerProcess(proc, port)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the local sites server did not start within 30 s")


def main() -> None:
    ap = argparse.ArgumentParser(description="serve a site tree on loopback")
    ap.add_argument("root")
    ap.add_argument("--port", type=int, default=8790)
    ap.add_argument("--access-log", type=Path, default=None)
    args = ap.parse_args()
    server = make_server(args.root, args.port, access_log=args.access_log)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
