from operator import add


def shortest_tour(dist: list[list[int]]) -> int:
    n = len(dist)
    if n == 1:
        return 0
    m = n - 1  # checkpoints 1..n-1 are bits 0..m-1 of the mask
    inf = float("inf")
    # into[j][i] = distance from checkpoint i+1 to checkpoint j+1
    into = [[dist[i + 1][j + 1] for i in range(m)] for j in range(m)]
    full = 1 << m
    # dp[mask][j]: shortest walk from 0 visiting exactly the checkpoints of mask, ending at j
    dp: list = [None] * full
    for j in range(m):
        row = [inf] * m
        row[j] = dist[0][j + 1]
        dp[1 << j] = row
    for mask in range(3, full):
        if mask & (mask - 1) == 0:
            continue
        row = [inf] * m
        rest = mask
        while rest:
            bit = rest & -rest
            rest ^= bit
            j = bit.bit_length() - 1
            row[j] = min(map(add, dp[mask ^ bit], into[j]))
        dp[mask] = row
    return min(dp[full - 1])
