"""Jinja2 templates of the HTML reports (package data), rendered with HTML
autoescaping: names and messages come from students and are never markup."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("grader.reports", "templates"),
                      autoescape=select_autoescape(("html", "html.j2")),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["points"] = lambda value: f"{value:g}"
    return env


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
