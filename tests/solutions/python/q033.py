import heapq


def order_sessions(n: int, rules: list[list[int]]) -> list[int]:
    unlocks: list[list[int]] = [[] for _ in range(n)]
    waiting = [0] * n
    for before, after in rules:
        unlocks[before].append(after)
        waiting[after] += 1
    ready = [s for s in range(n) if waiting[s] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        s = heapq.heappop(ready)
        order.append(s)
        for t in unlocks[s]:
            waiting[t] -= 1
            if waiting[t] == 0:
                heapq.heappush(ready, t)
    return order if len(order) == n else []
