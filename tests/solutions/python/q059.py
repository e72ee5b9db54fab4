def split_among_couriers(weights: list[int], k: int) -> int:
    def couriers_needed(cap: int) -> int:
        count, load = 1, 0
        for w in weights:
            if load + w > cap:
                count += 1
                load = w
            else:
                load += w
        return count

    lo, hi = max(weights), sum(weights)
    while lo < hi:
        mid = (lo + hi) // 2
        if couriers_needed(mid) <= k:
            hi = mid
        else:
            lo = mid + 1
    return lo
