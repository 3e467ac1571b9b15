"""Who is in the demo organisation and what their calendars hold before the first sync."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calsync.harness import CrmHarness, MailboxHarness
from calsync.model import CalendarItem, Participant

__all__ = ["DemoMailbox", "Organisation"]

BERLIN = ZoneInfo("Europe/Berlin")
DOMAIN = "calsync-demo.example"


@dataclass(slots=True, kw_only=True)
class DemoMailbox:
    """One person's mailbox in the demo."""

    name: str
    provider: str
    #: Overrides of the shared policy for this mailbox (config ``policy`` table).
    policy: dict[str, Any] = field(default_factory=dict)
    #: Whether the CRM knows a user with this address (EX-28).
    crm_user: bool = True
    #: Whether the configuration gets wrong credentials for it (EX-22).
    wrong_credentials: bool = False

    @property
    def address(self) -> str:
        return f"{self.name}@{DOMAIN}"


#: The people: two and more Exchange mailboxes, Google ones, a Microsoft 365 one on Graph,
#: and a few with a story.
MAILBOXES = (
    DemoMailbox(
        name="bob", provider="exchange"
    ),  # an attendee who syncs before the organizer (EX-09)
    DemoMailbox(name="alice", provider="exchange"),
    DemoMailbox(name="judy", provider="graph"),  # Microsoft 365 through Microsoft Graph
    DemoMailbox(name="carol", provider="gmail"),
    DemoMailbox(
        name="frank", provider="gmail", policy={"mode": "match", "ignore": ["partner.example"]}
    ),
    DemoMailbox(
        name="heidi",
        provider="exchange",
        policy={"recurrence": "instances", "prevent": {"up": ["delete"]}},
    ),
    DemoMailbox(name="ivan", provider="exchange", policy={"recurring_items": "off"}),
    DemoMailbox(name="grace", provider="exchange"),  # identical items (EX-23)
    DemoMailbox(name="erin", provider="exchange", wrong_credentials=True),  # EX-22
    DemoMailbox(name="dave", provider="exchange", crm_user=False),  # EX-28
)

MAILBOX_NAMES = frozenset(m.name for m in MAILBOXES)

CONTACTS = [f"customer{n}@customer.example" for n in range(1, 21)]
LEADS = [f"prospect{n}@prospect.example" for n in range(1, 6)]


class Organisation:
    """Seeds the organisation into the harnesses and keeps what it seeded.

    ``mail`` holds a harness per mailbox provider. Beyond the people of :data:`MAILBOXES`,
    every other provider in it (an installed third-party plugin) gets one person of its
    own, named after it, with a plain calendar.
    """

    def __init__(self, crm: CrmHarness, mail: dict[str, MailboxHarness], now: datetime) -> None:
        self.crm = crm
        self.mail = mail
        #: Whole hours; a Monday, so series read naturally.
        self.now = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        #: The instant the demo began: its passes run after it (``now`` may be up to an hour
        #: earlier, so an item at ``now`` has already started for them).
        self.started = now.astimezone(UTC)
        self.users: dict[str, str] = {}
        self.contacts: dict[str, str] = {}
        self.leads: dict[str, str] = {}
        self.accounts: dict[str, str] = {}
        built_in = {m.provider for m in MAILBOXES}
        extra = [DemoMailbox(name=p, provider=p) for p in sorted(mail) if p not in built_in]
        self.mailboxes = {m.name: m for m in (*MAILBOXES, *extra)}
        #: name -> id of the items the scenarios refer to.
        self.ids: dict[str, str] = {}
        self.random = random.Random(2026)

    def harness(self, name: str) -> MailboxHarness:
        return self.mail[self.mailboxes[name].provider]

    def address(self, name: str) -> str:
        return self.mailboxes[name].address

    def at(self, days: float, hour: int = 10) -> datetime:
        day = (self.now + timedelta(days=days)).astimezone(BERLIN)
        return day.replace(hour=hour, minute=0, second=0, microsecond=0)

    def item(
        self, subject: str, *, days: float = 1, hour: int = 10, hours: float = 1, **fields: Any
    ) -> CalendarItem:
        start = self.at(days, hour)
        values: dict[str, Any] = {
            "start": start,
            "end": start + timedelta(hours=hours),
            "subject": subject,
            "zone": "Europe/Berlin",
        }
        values.update(fields)
        return CalendarItem(**values)

    def seed(self, owner: str, item: CalendarItem, key: str | None = None) -> str:
        item_id = self.harness(owner).seed(self.address(owner), item)
        if key:
            self.ids[key] = item_id
        return item_id

    # -- before the first sync ------------------------------------------------------------------

    def people(self) -> None:
        """CRM users, contacts, leads and accounts; the mailboxes themselves."""
        for mailbox in self.mailboxes.values():
            self.harness(mailbox.name).open_mailbox(mailbox.address, zone="Europe/Berlin")
            if mailbox.crm_user:
                self.users[mailbox.name] = self.crm.add_user(mailbox.address, zone="Europe/Berlin")
        for n, address in enumerate(CONTACTS, 1):
            self.contacts[address] = self.crm.add_contact(address, name=f"Customer {n}")
        for n, address in enumerate(LEADS, 1):
            self.leads[address] = self.crm.add_lead(address, name=f"Prospect {n}")
        self.accounts["ACME"] = self.crm.add_account("ACME Corp")

    def everyday_calendars(self, per_mailbox: int = 45) -> int:
        """Ordinary meetings with customers and plain appointments: the bulk of the demo."""
        count = 0
        for name in ("alice", "bob", "carol", "heidi", "ivan", "grace", "judy"):
            owner = self.address(name)
            for n in range(per_mailbox):
                day = self.random.randint(-20, 40)
                hour = self.random.choice([8, 9, 11, 13, 14, 15, 16])
                if n % 3 == 0:
                    item = self.item(f"Focus time {n} ({name})", days=day, hour=hour)
                else:
                    guests = self.random.sample(CONTACTS, k=self.random.randint(1, 3))
                    item = self.item(
                        f"Customer call {n} ({name})",
                        days=day,
                        hour=hour,
                        body="Agenda: status, next steps",
                        organizer=Participant(address=owner),
                        attendees=tuple(Participant(address=g) for g in guests),
                    )
                self.seed(name, item)
                count += 1
        # An internal meeting in the Microsoft 365 mailbox: refused by the demo's validation
        # rule, so the Graph mailbox shows its Sync Error categories.
        self.seed("judy", self.item("Internal budget review (judy)", days=6, hour=15))
        count += 1
        for n in range(30):
            self.crm.seed(
                self.users["alice"],
                self.item(f"Logged in Salesforce {n}", days=self.random.randint(1, 30), hour=17),
            )
            count += 1
        return count + self._plain_calendars()

    def _plain_calendars(self, per_mailbox: int = 10) -> int:
        """Appointments only in the other plugins' mailboxes: what any provider can hold."""
        count = 0
        for mailbox in self.mailboxes.values():
            if mailbox.name in MAILBOX_NAMES:
                continue
            for n in range(per_mailbox):
                day = self.random.randint(-10, 30)
                self.seed(mailbox.name, self.item(f"Planning {n} ({mailbox.name})", days=day))
                count += 1
        return count
