"""Official sources: DSCA releases, 36(b) transmittals, DoD contract announcements, the SIPRI trade register.

Each kind has one parser module (:mod:`.dsca`, :mod:`.transmittal`, :mod:`.dod_contracts`,
:mod:`.sipri_csv`) that turns an :class:`~.source.OfficialText` into annotation-format
entities and events (:class:`~.source.Parsed`); :mod:`.document` makes that an annotation
file like any other, so official facts go through the same SHACL checks, entity resolution
and provenance as articles.
"""
