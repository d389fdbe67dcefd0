"""Open contracting data: each list's whole lifecycle as OCDS 1.1 (docs/ocds.md has the mapping).

- `values`: what every release shares (the publisher from the settings, dates, money, parties, documents,
  the tender a version of a list states);
- `process`: one list's events, in date order, turned into releases;
- `packages`: the release and record packages under /data/ocds/, merged by ocdsmerge.
"""
