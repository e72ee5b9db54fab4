def count_hop_sequences(n: int) -> int:
    # ways[i] = ways[i - 1] + ways[i - 3], with ways[0] = 1
    a, b, c = 1, 1, 1  # ways[i - 3], ways[i - 2], ways[i - 1] for i = 3
    if n < 3:
        return 1
    for _ in range(3, n + 1):
        a, b, c = b, c, c + a
    return c
