"""Name normalisation, shared by entity resolution, the store and search."""

from __future__ import annotations

import re
import unicodedata


def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name; a leading "the" is dropped.

    ``"The Pentagon"`` -> ``"pentagon"``; ``"Taiwan’s military"`` -> ``"taiwans military"``;
    ``"Raytheon Missiles & Defense"`` -> ``"raytheon missiles and defense"``.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("’", "'").replace("'s ", "s ")
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.removeprefix("the ")
