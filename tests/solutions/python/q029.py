def slowest_printer_speed(pages: list[int], minutes: int) -> int:
    def minutes_needed(speed: int) -> int:
        return sum((p + speed - 1) // speed for p in pages)

    low, high = 1, max(pages)
    while low < high:
        mid = (low + high) // 2
        if minutes_needed(mid) <= minutes:
            high = mid
        else:
            low = mid + 1
    return low
