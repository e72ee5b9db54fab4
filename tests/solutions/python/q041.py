def search_rotated_shelf(shelf: list[int], target: int) -> int:
    """Binary search; one half of every range is sorted."""
    lo, hi = 0, len(shelf) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        m = shelf[mid]
        if m == target:
            return mid
        if shelf[lo] <= m:  # left half [lo, mid] is sorted
            if shelf[lo] <= target < m:
                hi = mid - 1
            else:
                lo = mid + 1
        else:  # right half [mid, hi] is sorted
            if m < target <= shelf[hi]:
                lo = mid + 1
            else:
                hi = mid - 1
    return -1
