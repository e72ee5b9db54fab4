"""Page parameters shared by every listing: ``page`` from 1, ``pageSize`` capped at 100."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from storage.questions import Page

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Far beyond any real listing, and small enough that the offset fits every backend's integer.
MAX_PAGE = 1_000_000


def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1")] = 1,
    page_size: Annotated[
        int,
        Query(
            alias="pageSize",
            ge=1,
            le=1_000_000,
            description=f"Items per page; values above {MAX_PAGE_SIZE} are capped",
        ),
    ] = DEFAULT_PAGE_SIZE,
) -> Page:
    return Page(number=page, size=min(page_size, MAX_PAGE_SIZE))


PageQuery = Annotated[Page, Depends(page_params)]
