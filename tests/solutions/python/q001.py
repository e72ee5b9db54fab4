def pay_with_two_cards(values: list[int], target: int) -> list[int]:
    seen: dict[int, int] = {}
    for j, v in enumerate(values):
        i = seen.get(target - v)
        if i is not None:
            return [i, j]
        if v not in seen:
            seen[v] = j
    return []
