"""System names: when two sets of names make one system family (the linker's third rule)."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Words that never make a system family on their own.
GENERIC_WORDS = frozenset("""a an and of the to for with in on related support equipment services service
system systems aircraft missile missiles unit units fire parts part program programme vehicle vehicles
weapon weapons launcher launchers radar radars kit kits set sets sale sales package""".split())


def words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", name.lower())


def tokens(name: str) -> set[str]:
    """A name's words, hyphenated designations also split (c-130j-30 -> c-130j-30, c, 130j, 30)."""
    out: set[str] = set()
    for w in words(name):
        out.add(w)
        out.update(w.split("-"))
    return out


def initials(name: str) -> str:
    """The acronym a name's initials make, stop words left out (National Advanced Surface-to-Air Missile
    System -> nasams); parenthesised text is not part of the name."""
    bare = re.sub(r"\([^)]*\)", " ", name.lower())
    parts = [p for w in words(bare) for p in w.split("-") if p not in ("of", "to", "the", "and", "for", "a")]
    return "".join(p[0] for p in parts if p[0].isalpha()) if len(parts) > 1 else ""


def distinctive(found: set[str]) -> set[str]:
    return {t for t in found if t not in GENERIC_WORDS and not t.isdigit()}


def family(a: Iterable[str], b: Iterable[str]) -> str | None:
    """The name that makes two sets of system names one family, or None."""
    a, b = sorted(set(a)), sorted(set(b))
    for x in a:
        for y in b:
            if x == y:
                return x
            tx, ty = tokens(x), tokens(y)
            for acronym, other, other_tokens in ((initials(x), y, ty), (initials(y), x, tx)):
                if len(acronym) >= 3 and acronym in other_tokens | {initials(other)}:
                    return acronym.upper()
            for small, big_tokens in ((x, ty), (y, tx)):
                core = distinctive(set(words(small)))  # whole words of one name, within the other's
                if core and core <= big_tokens:
                    return small
    return None
