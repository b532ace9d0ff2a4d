"""Deals: the claims of many sources (articles, DSCA approvals, 36(b) transmittals, DoD contract awards,
SIPRI rows) that tell one arms transfer, linked with the reasons for each link.

- :mod:`loaders.deals.claims`: the fields of an event claim the linker compares, read from the rows the load
  pipeline makes (so ids are exactly those of the graph);
- :mod:`loaders.deals.linker`: the linking rules, analysts' judgements and incremental linking;
- :mod:`loaders.deals.gold` and :mod:`loaders.deals.scoring`: the gold deal links of the sample corpus and
  the pairwise precision and recall of the linker against it (``kg eval --deals``).
"""
