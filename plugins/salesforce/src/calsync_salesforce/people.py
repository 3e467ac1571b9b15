"""Who an address is in the org: active users, contacts and leads, by e-mail.

Addresses go to Salesforce in ``IN`` lists short enough for one URL each, so any number of
them costs one query per object per chunk. E-mail addresses compare case-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from calsync.providers import GroupKind, PersonKind, PersonMatch, UserGroup
from calsync_salesforce.connection import Connection
from calsync_salesforce.replies import Record, records_of
from calsync_salesforce.wire import in_chunks, soql_list, soql_string

__all__ = ["active_users", "match_people", "users_by_address"]


def _rows(connection: Connection, soql_head: str, addresses: Sequence[str]) -> list[Record]:
    rows: list[Record] = []
    for chunk in in_chunks(sorted({a.strip().lower() for a in addresses if a.strip()})):
        soql = f"{soql_head} Email IN {soql_list(chunk)} ORDER BY CreatedDate, Id"
        rows += records_of(connection.query_all(soql))
    return rows


def users_by_address(
    connection: Connection, addresses: Sequence[str]
) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """The active users with these addresses, and their zones (one query).

    Returns each address mapped to its user's id (the oldest, if several) and those users'
    ``TimeZoneSidKey`` values.
    """
    found: dict[str, str] = {}
    zones: dict[str, str] = {}
    head = "SELECT Id, Email, TimeZoneSidKey FROM User WHERE IsActive = true AND"
    for row in _rows(connection, head, addresses):
        email = str(row.get("Email") or "").lower()
        if email:
            found.setdefault(email, str(row["Id"]))
            if row.get("TimeZoneSidKey"):
                zones[str(row["Id"])] = str(row["TimeZoneSidKey"])
    wanted = {a.strip().lower() for a in addresses}
    return {a: i for a, i in found.items() if a in wanted}, zones


def active_users(connection: Connection, group: UserGroup | None = None) -> Mapping[str, str]:
    """Every active standard user (people with a licence, not the automated ones) by address.

    With ``group``, only that profile's users, or the users assigned that permission set
    (Object Reference, PermissionSetAssignment: "query permission set assignments to find
    out which permission sets are assigned to which users"; ``PermissionSet.Name`` is the
    set's API name). One query, paged, either way.
    """
    if group is not None and group.kind is GroupKind.PERMISSION_SET:
        soql = (
            "SELECT AssigneeId, Assignee.Email FROM PermissionSetAssignment WHERE "
            f"PermissionSet.Name = {soql_string(group.name)} AND Assignee.IsActive = true "
            "AND Assignee.UserType = 'Standard' ORDER BY Assignee.CreatedDate, AssigneeId"
        )
        rows = [
            (row.get("AssigneeId"), row.get("Assignee") or {})
            for row in records_of(connection.query_all(soql))
        ]
    else:
        profile = "" if group is None else f" AND Profile.Name = {soql_string(group.name)}"
        soql = (
            "SELECT Id, Email FROM User WHERE IsActive = true AND UserType = 'Standard'"
            f"{profile} ORDER BY CreatedDate, Id"
        )
        rows = [(row.get("Id"), row) for row in records_of(connection.query_all(soql))]
    found: dict[str, str] = {}
    for user_id, user in rows:
        email = str(user.get("Email") or "").lower()
        if email and user_id:
            found.setdefault(email, str(user_id))
    return found


def match_people(connection: Connection, addresses: Sequence[str]) -> tuple[PersonMatch, ...]:
    """Every contact, then every unconverted lead, whose e-mail is one of ``addresses``.

    The engine decides whom an event links (contacts over leads, the first lead alone).
    """
    matches: list[PersonMatch] = []
    for kind, head in (
        (PersonKind.CONTACT, "SELECT Id, Email FROM Contact WHERE"),
        (PersonKind.LEAD, "SELECT Id, Email FROM Lead WHERE IsConverted = false AND"),
    ):
        for row in _rows(connection, head, addresses):
            email = str(row.get("Email") or "").lower()
            if email:
                matches.append(PersonMatch(address=email, kind=kind, id=str(row["Id"])))
    return tuple(matches)
