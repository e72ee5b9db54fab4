import heapq


def running_median(readings: list[int]) -> list[float]:
    """Two heaps: a max-heap (negated) of the lower half, a min-heap of the upper half."""
    low: list[int] = []  # negated values, size == len(high) or len(high) + 1
    high: list[int] = []
    medians: list[float] = []
    for x in readings:
        if low and x > -low[0]:
            heapq.heappush(high, x)
        else:
            heapq.heappush(low, -x)
        if len(low) > len(high) + 1:
            heapq.heappush(high, -heapq.heappop(low))
        elif len(high) > len(low):
            heapq.heappush(low, -heapq.heappop(high))
        if len(low) > len(high):
            medians.append(float(-low[0]))
        else:
            medians.append((-low[0] + high[0]) / 2)
    return medians
