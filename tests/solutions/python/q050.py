def fewest_keystrokes(typed: str, intended: str) -> int:
    """Levenshtein distance, one DP row at a time."""
    m = len(intended)
    prev = list(range(m + 1))
    for i, a in enumerate(typed, 1):
        cur = [i] + [0] * m
        for j in range(1, m + 1):
            if a == intended[j - 1]:
                cur[j] = prev[j - 1]
            else:
                x = prev[j - 1]
                y = prev[j]
                z = cur[j - 1]
                if y < x:
                    x = y
                if z < x:
                    x = z
                cur[j] = x + 1
        prev = cur
    return prev[m]
