def find_book(codes: list[int], target: int) -> int:
    lo, hi = 0, len(codes) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if codes[mid] == target:
            return mid
        if codes[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
