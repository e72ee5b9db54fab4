def find_missing_locker(lockers: list[int]) -> int:
    n = len(lockers)
    acc = n
    for i, v in enumerate(lockers):
        acc ^= i ^ v
    return acc
