def find_unmatched_sock(ids: list[int]) -> int:
    """Every value appears three times except one: track bits seen once / twice."""
    ones = 0
    twos = 0
    for x in ids:
        ones = (ones ^ x) & ~twos
        twos = (twos ^ x) & ~ones
    # Convert the (possibly unbounded) Python int back to a signed 32-bit value.
    ones &= 0xFFFFFFFF
    return ones - (1 << 32) if ones >= (1 << 31) else ones
