def count_changed_lights(a: int, b: int) -> int:
    diff = a ^ b
    count = 0
    while diff:
        diff &= diff - 1
        count += 1
    return count
