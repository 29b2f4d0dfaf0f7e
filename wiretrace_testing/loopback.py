"""A one-handler HTTP server on loopback for tests that need a page, a redirect or a proxy
answering by a rule of their own (the fixture sites are in :mod:`wiretrace_testing.localsites`)."""

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The answer to a GET of a path: status, extra headers, body.
Answer = tuple[int, dict[str, str], bytes]


def serve_get(answer: Callable[[str], Answer]) -> ThreadingHTTPServer:
    """Serve ``answer(path)`` to every GET on 127.0.0.1, a free port (``server_address[1]``),
    in a daemon thread; ``shutdown()`` stops it."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

        def do_GET(self) -> None:
            status, headers, body = answer(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd
