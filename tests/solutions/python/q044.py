def count_budget_segments(expenses: list[int], k: int) -> int:
    """Prefix sums with a hash map of how often each prefix sum occurred."""
    seen = {0: 1}
    total = 0
    count = 0
    for x in expenses:
        total += x
        count += seen.get(total - k, 0)
        seen[total] = seen.get(total, 0) + 1
    return count
