def shortest_fundraising_streak(donations: list[int], goal: int) -> int:
    """Sliding window over positive values."""
    best = len(donations) + 1
    total = 0
    left = 0
    for right, d in enumerate(donations):
        total += d
        while total >= goal:
            if right - left + 1 < best:
                best = right - left + 1
            total -= donations[left]
            left += 1
    return 0 if best > len(donations) else best
