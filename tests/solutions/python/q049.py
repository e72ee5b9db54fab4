from collections import Counter


def smallest_covering_segment(shelf: str, wanted: str) -> str:
    """Sliding window with counts of letters still missing."""
    need = Counter(wanted)
    missing = len(wanted)
    if missing > len(shelf):
        return ""
    best_start, best_len = 0, len(shelf) + 1
    left = 0
    for right, ch in enumerate(shelf):
        if need[ch] > 0:
            missing -= 1
        need[ch] -= 1
        if missing == 0:
            while need[shelf[left]] < 0:
                need[shelf[left]] += 1
                left += 1
            if right - left + 1 < best_len:
                best_start, best_len = left, right - left + 1
            need[shelf[left]] += 1
            missing += 1
            left += 1
    return "" if best_len > len(shelf) else shelf[best_start : best_start + best_len]
