def has_double_booking(meetings: list[list[int]]) -> bool:
    ordered = sorted(meetings)
    return any(ordered[k][0] < ordered[k - 1][1] for k in range(1, len(ordered)))
