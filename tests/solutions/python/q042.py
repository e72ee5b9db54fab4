import heapq


def min_rehearsal_studios(bookings: list[list[int]]) -> int:
    """Sort by start; a min-heap holds the end times of the studios in use."""
    ends: list[int] = []
    for start, end in sorted(bookings):
        if ends and ends[0] <= start:
            heapq.heapreplace(ends, end)
        else:
            heapq.heappush(ends, end)
    return len(ends)
