"""``/docs``: Swagger UI 5 from the ``fastapi-offline`` package's static files (only those:
nothing of its app factory), offline, under a CSP that allows only this server's own scripts
(the initialiser is a file, not an inline script)."""

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
ASSETS = Path(fastapi_offline.__file__).with_name("static")  # at /docs-assets (create_app)
# the page's CSP, plus this server's scripts, and styles React sets on elements; no eval
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wiretrace API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs-assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>"""


@router.get("/docs")
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": CSP})
