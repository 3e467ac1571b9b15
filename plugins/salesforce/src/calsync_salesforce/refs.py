"""Counterpart ids in an External ID field that ignores case.

Salesforce matches External ID text case-insensitively unless the field was made "Unique,
case sensitive". Mailbox ids are not all lower case: EWS item ids are base64, and two items
of one mailbox can differ only in the case of one letter. Upserting by such an id would
update the other item's event, and a unique field would refuse the second one outright.

Where the field ignores case, the stored form is therefore *case-proof*: a marker, then the
id with every character that case folding changes escaped (an upper-case ASCII letter as
the escape and the letter in lower case). Ids that case folding leaves alone (Google's, for
one) are stored as they are, so they stay readable. The form is reversible, and no two ids
fold to the same stored value. Reading accepts both forms whatever the field is now.
"""

from __future__ import annotations

from typing import Final

__all__ = ["original_ref", "stored_ref"]

#: Starts a case-proof value (no EWS or Google id starts with it).
MARK: Final = "~"
#: Comes before a letter that stands for its upper-case form, before itself, or before
#: ``#``, the code point (hex, ended by ``;``) of any other character case folding changes.
ESCAPE: Final = "^"
_CODE: Final = "#"


def stored_ref(ref: str, *, case_proof: bool) -> str:
    """The value to store for the counterpart id ``ref``."""
    # An id that starts with the marker is escaped even where case does not matter, so that
    # reading it back cannot mistake it for a case-proof form.
    if ref.startswith(MARK) or (case_proof and ref.casefold() != ref):
        return MARK + "".join(_escaped(char) for char in ref)
    return ref


def original_ref(stored: str) -> str:
    """The counterpart id a stored value stands for (either form).

    A value someone typed that only looks case-proof is taken as it is.
    """
    if not stored.startswith(MARK):
        return stored
    try:
        return _unescaped(stored[len(MARK) :])
    except (ValueError, OverflowError):
        return stored


def _unescaped(rest: str) -> str:
    out: list[str] = []
    at = 0
    while at < len(rest):
        char = rest[at]
        at += 1
        if char != ESCAPE:
            out.append(char)
        elif rest[at : at + 1] == ESCAPE:
            out.append(ESCAPE)
            at += 1
        elif rest[at : at + 1] == _CODE:
            end = rest.find(";", at)
            if end < 0:
                raise ValueError("an unended code")
            out.append(chr(int(rest[at + 1 : end], 16)))
            at = end + 1
        elif at < len(rest) and "a" <= rest[at] <= "z":
            out.append(rest[at].upper())
            at += 1
        else:
            raise ValueError("a stray escape")
    return "".join(out)


def _escaped(char: str) -> str:
    if char == ESCAPE:
        return ESCAPE + ESCAPE
    if "A" <= char <= "Z":
        return ESCAPE + char.lower()
    if char.casefold() != char:
        return f"{ESCAPE}{_CODE}{ord(char):x};"
    return char
