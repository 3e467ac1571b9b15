"""FindItem: calendar views (recurrences expanded) and paged, restricted folder listings."""

from __future__ import annotations

from datetime import timedelta

from calsync_exchange.emulator import calendar, restriction
from calsync_exchange.emulator._xml import m, parse_datetime, render_bool, sub, t
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.context import Context
from calsync_exchange.emulator.errors import EwsError, schema_error
from calsync_exchange.emulator.records import CALENDAR_FOLDER
from calsync_exchange.emulator.soap import Response
from calsync_exchange.emulator.xml_render import render_item
from calsync_exchange.emulator.xml_request import parse_folders, parse_shape
from calsync_exchange.emulator.xml_restriction import parse_restriction, parse_sort

#: Exchange refuses calendar views spanning more than two years (plus a leap day).
MAX_VIEW_SPAN = timedelta(days=731)
#: Exchange Online's EWSFindCountLimit: no indexed page holds more than 1000 items.
MAX_PAGE = 1000


def _page(ctx: Context, entries: list[Entry]) -> tuple[list[Entry], dict[str, str]]:
    """Apply the request's view to ``entries``: the page and the RootFolder attributes."""
    calendar_view = ctx.payload.find(m("CalendarView"))
    if calendar_view is not None:
        # A calendar view is not paged: it returns the whole range, or its first
        # MaxEntriesReturned items with IncludesLastItemInRange=false.
        limit = calendar_view.get("MaxEntriesReturned")
        page = entries[: int(limit)] if limit else entries
        return page, {
            "TotalItemsInView": str(len(entries)),
            "IncludesLastItemInRange": render_bool(len(page) == len(entries)),
        }
    indexed = ctx.payload.find(m("IndexedPageItemView"))
    total = len(entries)
    if indexed is None:
        page = entries[:MAX_PAGE]
        offset = 0
    else:
        try:
            offset = int(indexed.get("Offset", "0"))
            limit = min(int(indexed.get("MaxEntriesReturned", str(MAX_PAGE))), MAX_PAGE)
        except ValueError:
            raise schema_error(
                "IndexedPageItemView needs integer Offset and MaxEntriesReturned."
            ) from None
        if offset < 0 or limit < 1:
            raise EwsError(
                "ErrorInvalidIndexedPagingParameters", "Offset or MaxEntriesReturned is invalid."
            )
        if indexed.get("BasePoint", "Beginning") == "End":
            stop = max(total - offset, 0)
            page = entries[max(stop - limit, 0) : stop]
        else:
            page = entries[offset : offset + limit]
    next_offset = offset + len(page)
    return page, {
        "IndexedPagingOffset": str(next_offset),
        "TotalItemsInView": str(total),
        "IncludesLastItemInRange": render_bool(next_offset >= total),
    }


def find_item(ctx: Context) -> Response:
    """Answer FindItem, one message per parent folder."""
    shape = parse_shape(ctx.payload.find(m("ItemShape")))
    node = parse_restriction(ctx.payload.find(m("Restriction")))
    order = parse_sort(ctx.payload.find(m("SortOrder")))
    calendar_view = ctx.payload.find(m("CalendarView"))
    traversal = ctx.payload.get("Traversal", "Shallow")
    response = ctx.response("FindItem")
    for ref in parse_folders(ctx.payload.find(m("ParentFolderIds"))):
        try:
            mailbox, folder = ctx.folder(ref)
            restriction.validate(node)
            if calendar_view is not None:
                if node is not None or order:
                    raise EwsError("ErrorInvalidRestriction")
                if folder != CALENDAR_FOLDER:
                    raise EwsError("ErrorCalendarFolderIsInvalidForCalendarView")
                try:
                    start = parse_datetime(calendar_view.get("StartDate", ""), ctx.zone)
                    end = parse_datetime(calendar_view.get("EndDate", ""), ctx.zone)
                except ValueError:
                    raise schema_error("CalendarView needs StartDate and EndDate.") from None
                if end < start:
                    raise EwsError("ErrorCalendarEndDateIsEarlierThanStartDate")
                if end - start > MAX_VIEW_SPAN:
                    raise EwsError("ErrorCalendarViewRangeTooBig")
                entries = calendar.view(mailbox, start, end)
            elif folder == CALENDAR_FOLDER and traversal == "Shallow":
                entries = calendar.folder_entries(mailbox)
                entries = [e for e in entries if restriction.matches(node, e, ctx.zone)]
                entries = restriction.sort(entries, order, ctx.zone)
            else:
                entries = []  # no items in the root; no associated or soft-deleted items
            page, attrs = _page(ctx, entries)
        except EwsError as error:
            response.error(error)
            continue
        root = sub(response.success(), m("RootFolder"), **attrs)
        items = sub(root, t("Items"))
        for entry in page:
            render_item(items, mailbox, entry, shape)
    return response
