"""EX-01 from the service side: private items in the CRM's requests, the logs, and flips.

Nothing of a private item may appear in any request the CRM received or in any log line;
a synced item that turns private leaves the CRM.
"""

from __future__ import annotations

from collections.abc import Iterable

from calsync.model import Participant, Privacy
from calsync.providers import Capability
from calsync_conformance.registry import case
from calsync_conformance.scenario import Scenario

SECRET_ATTENDEE = "secret-attendee@customer.example"


def _secret(tag: str, **fields: object) -> dict[str, object]:
    """The fields of a meeting whose every part is recognisable by ``tag``."""
    return {
        "subject": f"{tag}-subject",
        "body": f"{tag}-body",
        "location": f"{tag}-room",
        "attendees": (Participant(address=SECRET_ATTENDEE),),
        **fields,
    }


def assert_no_trace(s: Scenario, logs: list[str], secrets: Iterable[str]) -> None:
    """None of ``secrets`` in a request the CRM received or in a log line."""
    received = s.crm.received()
    assert received, "the CRM harness shows no requests at all"
    for secret in secrets:
        requests = [r for r in received if secret in r]
        assert not requests, f"the CRM received {secret!r}: {requests[0][:300]}"
        lines = [line for line in logs if secret in line]
        assert not lines, f"a log line shows {secret!r}: {lines[0][:300]}"


@case(
    "EX-01-trace",
    "Private items leave no trace in the CRM's requests or the logs",
    requires={Capability.PRIVACY},
)
def private_items_leave_no_trace(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    # A contact with the secret address exists: a lookup would find, and link, it.
    s.crm.add_contact(SECRET_ATTENDEE)
    s.crm.add_contact("carol@customer.com")
    with s.logs() as logs:
        private = s.mail.seed(alice, s.item(**_secret("Hush", privacy=Privacy.PRIVATE)))
        s.mail.seed(
            alice,
            s.item(
                "Quarterly review", days=2, attendees=(Participant(address="carol@customer.com"),)
            ),
        )
        s.settle()
        s.mail.edit(alice, private, location="Hush-room-2")
        s.settle()
    assert [e.subject for e in s.crm_events()] == ["Quarterly review"]
    assert any("carol@customer.com" in r for r in s.crm.received()), (
        "the public meeting's people were looked up (else this case proves nothing)"
    )
    assert_no_trace(s, logs, ("Hush-subject", "Hush-body", "Hush-room", SECRET_ATTENDEE, private))


@case(
    "EX-01-flip",
    "A synced item turned private leaves the CRM",
    requires={Capability.PRIVACY},
)
def synced_item_turned_private(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    s.crm.add_contact(SECRET_ATTENDEE)
    item = s.mail.seed(alice, s.item(**_secret("Plain")))
    s.mail.seed(alice, s.item("Stays public", days=2))
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["Plain-subject", "Stays public"]
    with s.logs() as logs:
        before = len(s.crm.received())
        s.mail.edit(
            alice,
            item,
            privacy=Privacy.PRIVATE,
            subject="Flip-subject",
            body="Flip-body",
            location="Flip-room",
        )
        s.settle()
    # The counterpart is deleted (restorable in the CRM), as if private from the start.
    assert [e.subject for e in s.crm_events()] == ["Stays public"], (
        "the CRM kept the copy of an item that became private"
    )
    assert s.codes() == [] and s.app.state.links("alice") != []
    assert all(link.mailbox_key != item for link in s.app.state.links("alice")), (
        "calsync still keeps the private item in its state"
    )
    assert_no_trace(s, logs, ("Flip-subject", "Flip-body", "Flip-room"))
    assert not any(item in r for r in s.crm.received()[before:]), (
        "the private item's id reached the CRM after it became private"
    )
    # Public again: one new copy, nothing duplicated.
    s.mail.edit(alice, item, privacy=Privacy.NORMAL, subject="Public again")
    s.settle()
    assert sorted(e.subject for e in s.crm_events()) == ["Public again", "Stays public"]


@case(
    "EX-01-crm",
    "A CRM event made private is not written over from the mailbox",
    requires={Capability.PRIVACY},
)
def crm_event_turned_private(s: Scenario) -> None:
    alice = s.add_mailbox("alice")
    event = s.crm.seed(s.users["alice"], s.item("Board prep"))
    s.settle()
    [copy] = s.mailbox_items()
    assert copy.ref is not None
    s.crm.edit(event, privacy=Privacy.PRIVATE, body="Private-notes")
    s.settle()
    s.mail.edit(alice, copy.ref.id, location="Room 4")
    s.settle()
    held = s.crm.read(event)
    assert held is not None and held.is_private, "calsync made a private CRM event public"
    assert held.body == "Private-notes" and held.location != "Room 4"
    [copy] = s.mailbox_items()
    assert "Private-notes" not in copy.body, "a private CRM event's content reached the mailbox"
