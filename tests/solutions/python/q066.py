def min_stickers(scores: list[int]) -> int:
    n = len(scores)
    stickers = [1] * n
    for i in range(1, n):
        if scores[i] > scores[i - 1]:
            stickers[i] = stickers[i - 1] + 1
    for i in range(n - 2, -1, -1):
        if scores[i] > scores[i + 1] and stickers[i] <= stickers[i + 1]:
            stickers[i] = stickers[i + 1] + 1
    return sum(stickers)
