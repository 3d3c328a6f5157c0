"""Jinja2 templates of the HTML reports (package data), rendered with HTML
autoescaping: names and messages come from students and are never markup."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("grader.reports", "templates"),
                      autoescape=select_autoescape(("html", "html.j2")),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["points"] = lambda value: f"{value:g}"
    env.filters["timeline"] = _timeline_svg
    return env


def _timeline_svg(test: Any) -> Markup:
    """A test's timeline as inline SVG (markup built with every name escaped),
    or nothing when its verdict carries none."""
    from grader.reports import timeline

    get = test.get if isinstance(test, dict) else lambda name: getattr(test, name)
    drawn = timeline.of(get("status"), get("diagnosis"))
    if drawn is None:
        return Markup("")
    return Markup('<figure class="timeline">' + timeline.svg(drawn, str(get("status")))
                  + "<figcaption>What each thread did before the verdict, in your names and "
                  "lines (hover a mark for its time).</figcaption></figure>")


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
