"""The performance disclosure (绩效信息公开, Art. 21).

The region's finance (the level of its 人大) keeps one per region × year (disclosures.py): it selects the
items — issued goals of the region and year, accepted self-evaluations of the region, at the province also
approved provincial evaluations (items.py) — each with a public note; another user of the finance approves
it (four eyes) and the public content is snapshotted (snapshot.py); it is reported to the 人大 with the date
and then published (workflow.py). Who reads it internally in scope.py; the public API (src/public/) reads
published snapshots only.
"""
