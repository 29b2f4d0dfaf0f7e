"""The lookup service: an HTTP API and a web page over the engine (FastAPI)."""
