def fewest_postage_stamps(stamps: list[int], amount: int) -> int:
    """Unbounded coin-change DP over amounts 0..amount."""
    inf = amount + 1
    best = [0] + [inf] * amount
    usable = sorted({s for s in stamps if s <= amount})
    for value in range(1, amount + 1):
        b = inf
        for s in usable:
            if s > value:
                break
            c = best[value - s]
            if c < b:
                b = c
        best[value] = b + 1 if b < inf else inf
    return best[amount] if best[amount] < inf else -1
