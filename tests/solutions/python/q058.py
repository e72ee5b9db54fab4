def combined_median(a: list[int], b: list[int]) -> float:
    if len(a) > len(b):
        a, b = b, a
    m, n = len(a), len(b)
    half = (m + n + 1) // 2
    lo, hi = 0, m
    neg_inf, pos_inf = float("-inf"), float("inf")
    while lo <= hi:
        i = (lo + hi) // 2  # elements taken from a on the left side
        j = half - i
        a_left = a[i - 1] if i > 0 else neg_inf
        a_right = a[i] if i < m else pos_inf
        b_left = b[j - 1] if j > 0 else neg_inf
        b_right = b[j] if j < n else pos_inf
        if a_left > b_right:
            hi = i - 1
        elif b_left > a_right:
            lo = i + 1
        else:
            left_max = max(a_left, b_left)
            if (m + n) % 2 == 1:
                return float(left_max)
            return (left_max + min(a_right, b_right)) / 2.0
    raise ValueError("inputs are not sorted")
