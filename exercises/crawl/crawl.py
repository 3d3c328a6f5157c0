"""A crawler on asyncio: `workers` worker tasks share an asyncio.Queue of pages.

Write crawl (see README.md), then check your work with `grader check crawl`.
"""

import asyncio  # noqa: F401 - you will need it


async def crawl(start, links, workers=4):
    """Return the set of every page reachable from ``start`` (``start`` included).

    ``await links(page)`` gives the pages that ``page`` links to. ``workers``
    worker tasks take pages off one asyncio.Queue and fetch them; each page is
    fetched once. Return when all the work is done, with no task left pending.
    """
    raise NotImplementedError("crawl")
