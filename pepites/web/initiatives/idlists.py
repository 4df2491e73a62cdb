"""The compact id lists of the map's search answer (/carte/recherche): see docs/format-carte.md.

A list of ids in the search's order is sent as its first id then the differences
`previous - next`. Past the exact ranking, the order is made of runs of ids newest
(highest) first: the differences are small positive numbers, a byte or two each once the
answer is gzipped, instead of six or seven for the ids themselves.
"""

from itertools import accumulate
from operator import sub


def delta_encode(ids: list[int]) -> list[int]:
    return [ids[0], *map(sub, ids, ids[1:])] if ids else []


def delta_decode(deltas: list[int]) -> list[int]:
    return list(accumulate(deltas, sub))
