def count_peaceful_placements(n: int) -> int:
    full = (1 << n) - 1

    def solve(cols: int, diag1: int, diag2: int) -> int:
        if cols == full:
            return 1
        total = 0
        free = full & ~(cols | diag1 | diag2)
        while free:
            bit = free & -free
            free ^= bit
            total += solve(cols | bit, ((diag1 | bit) << 1) & full, (diag2 | bit) >> 1)
        return total

    # Mirror symmetry: count placements with the first-row queen in the left half, double them.
    total = 0
    for c in range(n // 2):
        bit = 1 << c
        total += solve(bit, (bit << 1) & full, bit >> 1)
    total *= 2
    if n % 2 == 1:
        bit = 1 << (n // 2)
        total += solve(bit, (bit << 1) & full, bit >> 1)
    return total
