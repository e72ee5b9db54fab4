def exact_change_combinations(coins: list[int], amount: int) -> list[list[int]]:
    values = sorted(c for c in coins if c <= amount)
    # reachable[i][a]: can amount a be paid using values[i:]?
    m = len(values)
    reachable = [[False] * (amount + 1) for _ in range(m + 1)]
    reachable[m][0] = True
    for i in range(m - 1, -1, -1):
        row, below, v = reachable[i], reachable[i + 1], values[i]
        for a in range(amount + 1):
            row[a] = below[a] or (a >= v and row[a - v])
    result: list[list[int]] = []
    chosen: list[int] = []

    def extend(start: int, remaining: int) -> None:
        if remaining == 0:
            result.append(chosen[:])
            return
        for i in range(start, m):
            v = values[i]
            if v > remaining:
                break
            if reachable[i][remaining - v]:
                chosen.append(v)
                extend(i, remaining - v)
                chosen.pop()

    extend(0, amount)
    return result
