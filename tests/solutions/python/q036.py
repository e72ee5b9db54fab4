def can_cross_creek(leap: list[int]) -> bool:
    """Greedy: keep the farthest stone reachable so far."""
    farthest = 0
    last = len(leap) - 1
    for i, step in enumerate(leap):
        if i > farthest:
            return False
        if i + step > farthest:
            farthest = i + step
            if farthest >= last:
                return True
    return farthest >= last
