def count_robot_routes(grid: list[list[int]]) -> int:
    mod = 10**9 + 7
    n = len(grid[0])
    ways = [0] * n
    ways[0] = 1
    for row in grid:
        for c in range(n):
            if row[c] == 1:
                ways[c] = 0
            elif c > 0:
                ways[c] = (ways[c] + ways[c - 1]) % mod
    return ways[n - 1]
