"""Time zone definitions on the wire: ``StartTimeZone``/``EndTimeZone`` in and out.

A zone is either a bare ``Id`` (a Windows id the server knows, or an IANA id) or a
``TimeZoneDefinitionType`` with ``Periods``, ``TransitionsGroups`` and ``Transitions`` — how
Outlook and Graph write custom zones (``Name="Customized Time Zone"``). Custom definitions
that arrive on the wire are kept verbatim and returned as they came; expansion uses the
standard offset and the yearly rules of the first ``TransitionsGroup`` (what custom zones
carry; dated multi-year groups of built-in zones are not interpreted).
"""

from __future__ import annotations

from datetime import time, timedelta

from lxml import etree

from calsync_exchange.emulator._xml import Element, parse_duration, render_duration, sub, t
from calsync_exchange.emulator.values import (
    WEEKDAYS,
    CustomTimeZone,
    TimeZoneSpec,
    TransitionRule,
    WindowsTimeZone,
)


def _one_of(value: str | None, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} {value!r}")
    return value


def parse_timezone(elem: Element) -> TimeZoneSpec:
    """Parse a ``StartTimeZone``/``EndTimeZone``: a known Id, or a custom definition.

    A definition with ``Periods`` is kept as a custom zone even when it also has an Id the
    server does not know; only a bare Id must name a zone the server knows.
    """
    periods = elem.find(t("Periods"))
    zone_id = elem.get("Id")
    if periods is None:
        if not zone_id:
            raise ValueError("a time zone needs an Id or Periods")
        return WindowsTimeZone(zone_id)
    return _custom_zone(elem, periods)


def _custom_zone(elem: Element, periods: Element) -> CustomTimeZone:
    by_id = {}
    for period in periods.findall(t("Period")):
        by_id[period.get("Id", "")] = (
            period.get("Name", ""),
            -parse_duration(period.get("Bias", "")),
        )
    standard = next((off for name, off in by_id.values() if name == "Standard"), None)
    if standard is None:
        raise ValueError("a custom time zone needs a Standard period")
    daylight_offset = next((off for name, off in by_id.values() if name == "Daylight"), None)
    daylight_start = standard_start = None
    groups = elem.find(t("TransitionsGroups"))
    group = groups.find(t("TransitionsGroup")) if groups is not None else None
    for transition in group.findall(t("RecurringDayTransition")) if group is not None else ():
        target = by_id.get(transition.findtext(t("To")) or "", ("", None))[0]
        offset = parse_duration(transition.findtext(t("TimeOffset")) or "PT0S")
        rule = TransitionRule(
            month=int(transition.findtext(t("Month")) or ""),
            weekday=_one_of(transition.findtext(t("DayOfWeek")), WEEKDAYS, "DayOfWeek"),
            occurrence=int(transition.findtext(t("Occurrence")) or ""),
            at=_clock(offset),
        )
        if target == "Daylight":
            daylight_start = rule
        elif target == "Standard":
            standard_start = rule
    return CustomTimeZone(
        name=elem.get("Name") or "Customized Time Zone",
        zone_id=elem.get("Id"),
        standard_offset=standard,
        daylight_offset=daylight_offset if daylight_start and standard_start else None,
        daylight_start=daylight_start if daylight_offset is not None else None,
        standard_start=standard_start if daylight_offset is not None else None,
        raw_xml=etree.tostring(elem),
    )


def _clock(offset: timedelta) -> time:
    seconds = int(offset.total_seconds()) % 86400
    return time(seconds // 3600, (seconds // 60) % 60, seconds % 60)


def render_timezone(item: Element, tag: str, spec: TimeZoneSpec) -> None:
    """Render a ``StartTimeZone``/``EndTimeZone``: an Id, or a custom definition as stored."""
    if not isinstance(spec, CustomTimeZone):
        sub(item, tag, Id=spec.zone_id)
        return
    if spec.raw_xml is not None:
        stored = etree.fromstring(spec.raw_xml)
        stored.tag = tag
        item.append(stored)
        return
    item.append(custom_zone_element(tag, spec))


def custom_zone_element(tag: str, spec: CustomTimeZone) -> Element:
    """Render a custom zone as ``TimeZoneDefinitionType``: periods, groups, transitions."""
    elem = etree.Element(tag, Name=spec.name)
    if spec.zone_id:
        elem.set("Id", spec.zone_id)
    periods = sub(elem, t("Periods"))
    std_id = "trule:Microsoft/Registry/Custom/Standard"
    dst_id = "trule:Microsoft/Registry/Custom/Daylight"
    sub(
        periods,
        t("Period"),
        Bias=render_duration(-spec.standard_offset),
        Name="Standard",
        Id=std_id,
    )
    rules = []
    if spec.daylight_offset is not None and spec.daylight_start and spec.standard_start:
        sub(
            periods,
            t("Period"),
            Bias=render_duration(-spec.daylight_offset),
            Name="Daylight",
            Id=dst_id,
        )
        rules = [(dst_id, spec.daylight_start), (std_id, spec.standard_start)]
    group = sub(sub(elem, t("TransitionsGroups")), t("TransitionsGroup"), Id="0")
    if not rules:
        sub(sub(group, t("Transition")), t("To"), std_id, Kind="Period")
    for target, rule in rules:
        transition = sub(group, t("RecurringDayTransition"))
        sub(transition, t("To"), target, Kind="Period")
        at = timedelta(hours=rule.at.hour, minutes=rule.at.minute, seconds=rule.at.second)
        sub(transition, t("TimeOffset"), render_duration(at))
        sub(transition, t("Month"), str(rule.month))
        sub(transition, t("DayOfWeek"), rule.weekday)
        sub(transition, t("Occurrence"), str(rule.occurrence))
    sub(sub(sub(elem, t("Transitions")), t("Transition")), t("To"), "0", Kind="Group")
    return elem
