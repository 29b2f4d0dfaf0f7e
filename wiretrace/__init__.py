"""The faces of wiretrace: the `wiretrace` command (``wiretrace.cli``), the HTTP API and the
web page (``wiretrace.api``), over the engine (``dedup``) and the crawler (``crawler``)."""
