from collections import deque


def shortest_mutation_chain(start: str, goal: str, allowed: list[str]) -> int:
    words = set(allowed)
    if goal not in words:
        return 0
    letters = "abcdefghijklmnopqrstuvwxyz"
    words.discard(start)
    dist = {start: 1}
    queue = deque([start])
    while queue:
        word = queue.popleft()
        d = dist[word]
        for i in range(len(word)):
            prefix, suffix = word[:i], word[i + 1 :]
            for ch in letters:
                cand = prefix + ch + suffix
                if cand in words:
                    if cand == goal:
                        return d + 1
                    words.discard(cand)
                    dist[cand] = d + 1
                    queue.append(cand)
    return 0
