from collections import Counter


def most_common_reading(readings: list[int]) -> int:
    counts = Counter(readings)
    best = max(counts.values())
    return min(value for value, count in counts.items() if count == best)
