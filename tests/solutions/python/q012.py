def sum_top_scores(scores: list[int], k: int) -> int:
    ordered = sorted(scores, reverse=True)
    return sum(ordered[:k])
