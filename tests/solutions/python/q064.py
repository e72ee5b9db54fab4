import heapq


def find_common_free_slots(schedules: list[list[int]]) -> list[list[int]]:
    # schedules[i] is musician i's busy intervals flattened: [s1, e1, s2, e2, ...]
    heap = [(s[0], s[1], i, 0) for i, s in enumerate(schedules) if s]
    heapq.heapify(heap)
    free: list[list[int]] = []
    cur_end = None
    while heap:
        start, end, i, pos = heapq.heappop(heap)
        if cur_end is not None and start > cur_end:
            free.append([cur_end, start])
        if cur_end is None or end > cur_end:
            cur_end = end
        pos += 2
        row = schedules[i]
        if pos < len(row):
            heapq.heappush(heap, (row[pos], row[pos + 1], i, pos))
    return free
