"""Colours, shapes and sizes for drawing the graph, derived from the ontology.

One palette serves every picture an analyst sees (the explorer page, ``kg viz``
files and the Neo4j Browser style), so a State is the same blue everywhere. It
is computed from the class hierarchy rather than listed by hand: each root
class (Actor, Event, WeaponSystem, ...) has a hue family and a shape, and its
subclasses get distinct shades of that family, so a class added to the
ontology is drawn without touching this module. A root the palette has no
family for gets a hue from its name, stable across runs.

Event types are the exception: shades of one family cannot be told apart at a
glance (an arms sale and a contract award looked the same), and an analyst
reads the type of every event in a picture. Each known event type therefore
has its own colour from a qualitative set (:data:`EVENT_COLOURS`, every pair at
least :data:`MIN_EVENT_CONTRAST` apart in CIELAB); an event class the set does
not name gets a hue from its name. Shape, not colour, says "this is an event".
"""

from __future__ import annotations

import colorsys
import hashlib
from dataclasses import dataclass

from kg.ontology import Ontology

#: Hue (degrees), saturation and lightness of each known root class's family.
ROOT_FAMILIES: dict[str, tuple[float, float, float]] = {
    "Actor": (212, 0.62, 0.50),
    "Event": (30, 0.85, 0.52),
    "WeaponSystem": (352, 0.70, 0.48),
    "WeaponCategory": (12, 0.45, 0.42),
    "Place": (135, 0.45, 0.42),
    "Post": (275, 0.45, 0.55),
    "Source": (200, 0.12, 0.45),
    "Evidence": (50, 0.20, 0.62),
}

#: How each root is drawn: events differ from actors at a glance. Cytoscape shape names.
ROOT_SHAPES: dict[str, str] = {
    "Actor": "ellipse",
    "Event": "round-diamond",
    "WeaponSystem": "round-rectangle",
    "WeaponCategory": "round-rectangle",
    "Place": "round-triangle",
    "Post": "round-tag",
    "Source": "rectangle",
    "Evidence": "round-rectangle",
}

#: One colour per event type, picked for contrast with one another (ΔE76 >= MIN_EVENT_CONTRAST):
#: deals warm and green, obstacles red and brown, diplomacy pink, talk grey.
EVENT_COLOURS: dict[str, str] = {
    "ArmsSale": "#e8590c",
    "SaleApproval": "#f0b400",
    "ContractAward": "#2b8a3e",
    "Delivery": "#0c8599",
    "CoProduction": "#6741d9",
    "Delay": "#8c5a2b",
    "ExportBlock": "#c92a2a",
    "Visit": "#d6336c",
    "Statement": "#868e96",
    "MilitaryActivity": "#5c6b1e",
    "OtherEvent": "#c5b48a",
}
#: The smallest CIELAB distance (ΔE76) between two event types' colours.
MIN_EVENT_CONTRAST = 25.0
CATEGORICAL_ROOT = "Event"

ROOT_SIZES: dict[str, int] = {"Actor": 52, "Event": 40, "WeaponSystem": 46, "Place": 44, "Source": 36, "Evidence": 28}
DEFAULT_SIZE = 40
HUE_STEP = 12.0  # degrees between sibling shades ...
MAX_SPREAD = 40.0  # ... and at most this wide in all, so every shade stays recognisably in its family
LIGHTNESS_STEPS = (-0.08, 0.07)  # siblings alternate darker and lighter (never the root's own shade)


@dataclass(frozen=True)
class ClassStyle:
    """How nodes of one class are drawn."""

    name: str
    root: str
    colour: str  # fill, #rrggbb
    border: str  # a darker shade of the fill
    text: str  # caption colour readable on the fill
    shape: str  # cytoscape node shape
    size: int  # diameter in pixels

    def as_dict(self) -> dict[str, object]:
        return {"root": self.root, "colour": self.colour, "border": self.border, "text": self.text,
                "shape": self.shape, "size": self.size}


def _hex(h: float, s: float, l: float) -> str:  # noqa: E741 - hue, saturation, lightness
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360, max(0.0, min(1.0, l)), max(0.0, min(1.0, s)))
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _hls(colour: str) -> tuple[float, float, float]:
    """Hue (degrees), saturation and lightness of a ``#rrggbb`` colour."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, l, s = colorsys.rgb_to_hls(r, g, b)  # noqa: E741
    return h * 360, s, l


def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of a ``#rrggbb`` colour: distances there follow what the eye tells apart."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _event_hls(name: str) -> tuple[float, float, float]:
    if name in EVENT_COLOURS:
        return _hls(EVENT_COLOURS[name])
    digest = hashlib.sha256(name.encode()).digest()
    return (digest[0] / 255 * 360, 0.70, 0.45)


def _family(root: str) -> tuple[float, float, float]:
    if root in ROOT_FAMILIES:
        return ROOT_FAMILIES[root]
    digest = hashlib.sha256(root.encode()).digest()
    return (digest[0] / 255 * 360, 0.55, 0.48)


def _readable_text(h: float, s: float, l: float) -> str:  # noqa: E741
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360, l, s)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#1b1b1b" if luminance > 0.55 else "#ffffff"


def class_styles(onto: Ontology) -> dict[str, ClassStyle]:
    """A style for every ontology class, most general classes first (their rules come before specific ones)."""
    styles: dict[str, ClassStyle] = {}
    by_root: dict[str, list[str]] = {}
    for cls in onto.classes.values():
        by_root.setdefault(cls.labels[-1], []).append(cls.name)
    for root, names in sorted(by_root.items()):
        hue, sat, light = _family(root)
        subclasses = sorted((n for n in names if n != root), key=lambda n: (len(onto.cls(n).labels), n))
        for name in [root, *subclasses]:
            depth = len(onto.cls(name).labels) - 1
            if name == root:
                h, l = hue, light  # noqa: E741
            elif root == CATEGORICAL_ROOT:
                h, s, l = _event_hls(name)  # noqa: E741
                styles[name] = _style(name, root, h, s, l)
                continue
            else:
                i = subclasses.index(name)
                step = min(HUE_STEP, MAX_SPREAD / max(1, len(subclasses) - 1))
                h = hue + (i - (len(subclasses) - 1) / 2) * step
                l = light + LIGHTNESS_STEPS[i % len(LIGHTNESS_STEPS)] - 0.03 * (depth - 1)  # noqa: E741
            styles[name] = _style(name, root, h, sat, l)
    return dict(sorted(styles.items(), key=lambda kv: (len(onto.cls(kv[0]).labels), kv[1].root, kv[0])))


def _style(name: str, root: str, h: float, s: float, l: float) -> ClassStyle:  # noqa: E741
    return ClassStyle(name=name, root=root, colour=_hex(h, s, l), border=_hex(h, s, l - 0.16), text=_readable_text(h, s, l),
                      shape=ROOT_SHAPES.get(root, "ellipse"), size=ROOT_SIZES.get(root, DEFAULT_SIZE))
