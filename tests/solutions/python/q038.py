def count_trailing_zeros(n: int) -> int:
    """Count the factors 5 in n! (there are always more factors 2)."""
    count = 0
    while n:
        n //= 5
        count += n
    return count
