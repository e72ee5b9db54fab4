import heapq


def flood_safe_route(grid: list[list[int]]) -> int:
    # Dijkstra on the bottleneck (max elevation along the route).
    m, n = len(grid), len(grid[0])
    flat = [v for row in grid for v in row]
    target = m * n - 1
    best = [-1] * (m * n)
    best[0] = flat[0]
    done = bytearray(m * n)
    heap = [(flat[0], 0)]
    while heap:
        h, cell = heapq.heappop(heap)
        if done[cell]:
            continue
        if cell == target:
            return h
        done[cell] = 1
        r, c = divmod(cell, n)
        for nb, ok in (
            (cell - n, r > 0),
            (cell + n, r < m - 1),
            (cell - 1, c > 0),
            (cell + 1, c < n - 1),
        ):
            if ok and not done[nb]:
                nh = flat[nb] if flat[nb] > h else h
                if best[nb] == -1 or nh < best[nb]:
                    best[nb] = nh
                    heapq.heappush(heap, (nh, nb))
    return best[target]
