import heapq
from collections import Counter


def busiest_lanes(lanes: list[int], k: int) -> list[int]:
    counts = Counter(lanes)
    # Most frequent first, then smaller id first.
    best = heapq.nsmallest(k, counts.items(), key=lambda item: (-item[1], item[0]))
    return [lane for lane, _ in best]
