"""Reading the ingest schema's JSON lines: one bad line is a counted skip, never an abort."""

import json
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from dedup.errors import InputError, WiretraceError
from dedup.models import SIGNAL_LISTS, ArticleInput


class InputFileError(WiretraceError):
    """A file named on the command line cannot be read (a usage error)."""


def readable(path: str) -> str:
    """``path`` if it is a readable file, else InputFileError saying what to give instead."""
    if path != "-" and not os.path.isfile(path):
        what = "is a directory" if os.path.isdir(path) else "no such file"
        raise InputFileError(f"{path}: {what}; give a file (or - for standard input)")
    if path != "-" and not os.access(path, os.R_OK):
        raise InputFileError(f"{path}: not readable (permission denied)")
    return path


def open_input(path: str) -> TextIO:
    """``-`` is standard input; undecodable bytes are replaced, not fatal."""
    if path != "-":
        return open(readable(path), encoding="utf-8", errors="replace")
    if sys.stdin.isatty():  # `wiretrace check` alone at a terminal waited without a word
        print("wiretrace: reading standard input (end it with Ctrl-D); give a FILE to read "
              "a file", file=sys.stderr)
    return sys.stdin


def parse_line(line: str) -> ArticleInput:
    """One JSONL line to an input; raises InputError naming what is wrong."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}") from None
    except RecursionError:  # a line nested thousands deep: one skipped line, not an abort
        raise InputError("not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError("not a JSON object")
    if not isinstance(data.get("url"), str) or not data["url"].strip():
        raise InputError("`url` is required")
    if not isinstance(data.get("text"), str) and not isinstance(data.get("html"), str):
        raise InputError("one of `text` or `html` is required")
    known = ArticleInput.field_names()
    kwargs: dict[str, str | list[str] | bool] = {}
    for key, value in data.items():
        if key not in known or value is None:
            continue
        if key in SIGNAL_LISTS:
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"`{key}` must be a string or a list of strings")
        elif key == "noindex":
            value = bool(value)
        elif not isinstance(value, str):
            raise InputError(f"`{key}` must be a string")
        kwargs[key] = value
    return ArticleInput(**kwargs)  # type: ignore[arg-type]


def read_jsonl(path: str, errors: list[tuple[int, str]]) -> Iterator[tuple[int, ArticleInput]]:
    with open_input(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, parse_line(line)
            except InputError as exc:
                errors.append((lineno, str(exc)))
