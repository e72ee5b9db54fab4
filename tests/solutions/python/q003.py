def find_longest_streak(temps: list[int]) -> int:
    best = cur = 1
    for i in range(1, len(temps)):
        if temps[i] > temps[i - 1]:
            cur += 1
            if cur > best:
                best = cur
        else:
            cur = 1
    return best
