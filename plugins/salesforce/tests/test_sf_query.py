"""SOQL through simple-salesforce: the subset, its errors, paging and queryAll."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sf_helpers import Person, timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from calsync_salesforce.emulator import SalesforceEmulator


@pytest.fixture
def three(sf: Salesforce, emulator: SalesforceEmulator) -> list[str]:
    contact = emulator.org.add_contact("jo.doe@client.test")
    return [
        sf.Event.create(
            timed("2026-03-03T09:00:00Z", Subject="Alpha", Location="Room 1", WhoId=contact)
        )["id"],
        sf.Event.create(timed("2026-03-04T09:00:00Z", Subject="beta", IsPrivate=True))["id"],
        sf.Event.create(timed("2026-03-05T09:00:00Z", Subject="Gamma's", Location="Room 2"))["id"],
    ]


def subjects(sf: Salesforce, soql: str) -> list[str]:
    return [r["Subject"] for r in sf.query_all(soql)["records"]]


def test_select_where_order(sf: Salesforce, three: list[str]) -> None:
    result = sf.query("SELECT Id, Subject FROM Event WHERE StartDateTime >= 2026-03-04T00:00:00Z")
    assert result["totalSize"] == 2
    assert result["done"] is True
    assert "nextRecordsUrl" not in result
    record = result["records"][0]
    assert list(record) == ["attributes", "Id", "Subject"]
    assert record["attributes"] == {
        "type": "Event",
        "url": f"/services/data/v59.0/sobjects/Event/{three[1]}",
    }
    assert subjects(sf, "SELECT Subject FROM Event ORDER BY Subject DESC") == [
        "Gamma's",
        "beta",
        "Alpha",
    ]
    assert subjects(sf, "select subject from event where subject = 'ALPHA'") == ["Alpha"]


def test_boolean_logic_and_operators(sf: Salesforce, three: list[str]) -> None:
    q = "SELECT Subject FROM Event WHERE "
    assert subjects(sf, q + "IsPrivate = true") == ["beta"]
    assert subjects(sf, q + "NOT IsPrivate = true ORDER BY Subject") == ["Alpha", "Gamma's"]
    assert subjects(
        sf, q + "(Location = 'Room 1' OR Location = 'Room 2') AND IsPrivate = false"
    ) == [
        "Alpha",
        "Gamma's",
    ]
    assert subjects(sf, q + "Location = null") == ["beta"]
    assert subjects(sf, q + "Location != 'Room 1'") == ["beta", "Gamma's"]  # != matches nulls
    assert subjects(sf, q + "Subject IN ('alpha', 'beta')") == ["Alpha", "beta"]
    assert subjects(sf, q + "Subject NOT IN ('alpha', 'beta')") == ["Gamma's"]
    assert subjects(sf, q + "Subject LIKE 'gam%'") == ["Gamma's"]
    assert subjects(sf, q + "Subject = 'Gamma\\'s'") == ["Gamma's"]
    assert subjects(
        sf, q + "DurationInMinutes > 30 AND StartDateTime < 2026-03-04T10:00:00+01:00"
    ) == ["Alpha"]
    assert subjects(sf, q + f"Id = '{three[2][:15]}'") == ["Gamma's"]


def test_relationship_fields(sf: Salesforce, ann: Person, three: list[str]) -> None:
    [row] = sf.query(
        f"SELECT Owner.Email, Who.Name, Who.Type, What.Name FROM Event WHERE Id = '{three[0]}'"
    )["records"]
    assert row["Owner"]["Email"] == "ann@acme.test"
    assert row["Owner"]["attributes"]["type"] == "Name"
    assert row["Who"] == {
        "attributes": {"type": "Name", "url": row["Who"]["attributes"]["url"]},
        "Name": "Jo Doe",
        "Type": "Contact",
    }
    assert row["What"] is None
    assert subjects(
        sf, "SELECT Subject FROM Event WHERE Owner.Email = 'ann@acme.test' AND Who.Name = 'Jo Doe'"
    ) == ["Alpha"]


def test_count_limit_offset(sf: Salesforce, three: list[str]) -> None:
    assert sf.query("SELECT COUNT() FROM Event") == {"totalSize": 3, "done": True, "records": []}
    assert sf.query("SELECT COUNT() FROM Event WHERE IsPrivate = false")["totalSize"] == 2
    assert subjects(sf, "SELECT Subject FROM Event ORDER BY StartDateTime LIMIT 1 OFFSET 1") == [
        "beta"
    ]


def test_nulls_first_and_last(sf: Salesforce, three: list[str]) -> None:
    q = "SELECT Subject FROM Event ORDER BY Location "
    assert subjects(sf, q + "ASC NULLS LAST") == ["Alpha", "Gamma's", "beta"]
    assert subjects(sf, q + "ASC") == ["beta", "Alpha", "Gamma's"]
    assert subjects(sf, q + "DESC") == ["Gamma's", "Alpha", "beta"]
    assert subjects(sf, q + "DESC NULLS FIRST") == ["beta", "Gamma's", "Alpha"]


def test_date_literals_use_the_callers_zone(
    sf: Salesforce, emulator: SalesforceEmulator, three: list[str]
) -> None:
    # 09:00 UTC on 2026-03-02 is 10:00 in Berlin: TOMORROW is 2026-03-03 Berlin time.
    assert subjects(sf, "SELECT Subject FROM Event WHERE StartDateTime = TOMORROW") == ["Alpha"]
    assert subjects(sf, "SELECT Subject FROM Event WHERE ActivityDate = NEXT_N_DAYS:2") == [
        "Alpha",
        "beta",
    ]


def _error(sf: Salesforce, soql: str) -> dict[str, object]:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query(soql)
    assert raised.value.status == 400
    [error] = raised.value.content
    return error  # type: ignore[no-any-return]


def test_malformed_queries(sf: Salesforce) -> None:
    error = _error(
        sf, "SELECT Id FROM Event WHERE Subject = 'a' AND IsPrivate = true OR IsChild = false"
    )
    assert error["errorCode"] == "MALFORMED_QUERY"
    assert error["message"] == (
        "\nSELECT Id FROM Event WHERE Subject = 'a' AND IsPrivate = true OR IsChild = false"
        "\n" + " " * 62 + "^"
        "\nERROR at Row:1:Column:63\nunexpected token: OR"
    )
    for soql in (
        "SELECT Id FROM Event WHERE",
        "SELECT Id, FROM Event",
        "SELECT COUNT(Id) FROM Event",
        "SELECT Id FROM Event GROUP BY Subject",
        "SELECT Id FROM Event WHERE Id IN (SELECT EventId FROM EventRelation)",
        "SELECT Id FROM Event WHERE Subject = 'open",
        "DELETE FROM Event",
    ):
        assert _error(sf, soql)["errorCode"] == "MALFORMED_QUERY", soql


def test_invalid_fields_and_types(sf: Salesforce) -> None:
    error = _error(sf, "SELECT Foo__c FROM Event")
    assert error["errorCode"] == "INVALID_FIELD"
    assert str(error["message"]).startswith(
        "\nSELECT Foo__c FROM Event\n       ^\nERROR at Row:1:Column:8\n"
        "No such column 'Foo__c' on entity 'Event'."
    )
    assert _error(sf, "SELECT Owner.Nope FROM Event")["errorCode"] == "INVALID_FIELD"
    assert _error(sf, "SELECT Id FROM Event WHERE Description = 'x'")["message"].endswith(  # type: ignore[union-attr]
        "field 'Description' can not be filtered in query call"
    )
    assert _error(sf, "SELECT Id FROM Event ORDER BY Description")["errorCode"] == "INVALID_FIELD"
    assert _error(sf, "SELECT Id FROM Widget__c")["errorCode"] == "INVALID_TYPE"
    filters = {
        "StartDateTime > '2026-01-01'": "must be of type dateTime and should not be enclosed in "
        "quotes",
        "IsChild = 'false'": "must be of type boolean and should not be enclosed in quotes",
        "Subject = 5": "must be of type string and should be enclosed in quotes",
        "Id = 'abc'": "invalid ID field: abc",
        "ActivityDate = 2026-03-03T00:00:00Z": "must be of type date and should not be enclosed in "
        "quotes",
    }
    for where, text in filters.items():
        error = _error(sf, f"SELECT Id FROM Event WHERE {where}")
        assert error["errorCode"] == "INVALID_QUERY_FILTER_OPERATOR", where
        assert str(error["message"]).endswith(text), where
    assert (
        _error(sf, "SELECT Id FROM Event OFFSET 2001")["errorCode"] == "NUMBER_OUTSIDE_VALID_RANGE"
    )


def test_paging_with_next_records_url(
    sf: Salesforce, emulator: SalesforceEmulator, ann: Person
) -> None:
    for n in range(450):
        emulator.org.insert_event(timed(Subject=f"E{n:03d}"), owner=ann.id)
    first = sf.query(
        "SELECT Subject FROM Event ORDER BY Subject",
        headers={"Sforce-Query-Options": "batchSize=200"},
    )
    assert first["totalSize"] == 450
    assert first["done"] is False
    assert len(first["records"]) == 200
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-200")
    second = sf.query_more(
        first["nextRecordsUrl"],
        identifier_is_url=True,
        headers={"Sforce-Query-Options": "batchSize=200"},
    )
    assert [r["Subject"] for r in second["records"]][:2] == ["E200", "E201"]
    everything = sf.query_all(
        "SELECT Subject FROM Event", headers={"Sforce-Query-Options": "batchSize=200"}
    )
    assert [r["Subject"] for r in everything["records"]] == [f"E{n:03d}" for n in range(450)]
    assert emulator.counts["queryMore"] == 3  # one above, two inside query_all


def test_default_batch_is_2000(sf: Salesforce, emulator: SalesforceEmulator, ann: Person) -> None:
    for n in range(2001):
        emulator.org.insert_event(timed(Subject=f"E{n}"), owner=ann.id)
    first = sf.query("SELECT Id FROM Event")
    assert len(first["records"]) == 2000
    assert first["nextRecordsUrl"].endswith("-2000")
    assert len(sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)["records"]) == 1


def test_stale_query_locator(sf: Salesforce, emulator: SalesforceEmulator, ann: Person) -> None:
    for n in range(201):
        emulator.org.insert_event(timed(Subject=f"E{n}"), owner=ann.id)
    first = sf.query("SELECT Id FROM Event", headers={"Sforce-Query-Options": "batchSize=200"})
    emulator.clock.advance(16 * 60)  # type: ignore[attr-defined]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert raised.value.content == [
        {"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}
    ]


def test_query_all_includes_deleted_rows(sf: Salesforce, three: list[str]) -> None:
    sf.Event.delete(three[0])
    soql = "SELECT Subject, IsDeleted FROM Event ORDER BY Subject"
    assert subjects(sf, soql) == ["beta", "Gamma's"]
    every = sf.query_all(soql, include_deleted=True)["records"]
    assert [(r["Subject"], r["IsDeleted"]) for r in every] == [
        ("Alpha", True),
        ("beta", False),
        ("Gamma's", False),
    ]
    only_deleted = sf.query("SELECT Id FROM Event WHERE IsDeleted = true", include_deleted=True)
    assert [r["Id"] for r in only_deleted["records"]] == [three[0]]


def test_other_objects(
    sf: Salesforce, emulator: SalesforceEmulator, make_user: Callable[..., Person]
) -> None:
    make_user("bob@acme.test", time_zone="America/New_York")
    rows = sf.query(
        "SELECT Email, TimeZoneSidKey, Profile.Name FROM User WHERE IsActive = true ORDER BY Email"
    )["records"]
    assert [(r["Email"], r["TimeZoneSidKey"], r["Profile"]["Name"]) for r in rows] == [
        ("ann@acme.test", "Europe/Berlin", "Standard User"),
        ("bob@acme.test", "America/New_York", "Standard User"),
    ]
    emulator.org.add_lead("lee@prospect.test", company="Prospect")
    assert sf.query("SELECT Email, Company FROM Lead")["records"][0]["Company"] == "Prospect"
