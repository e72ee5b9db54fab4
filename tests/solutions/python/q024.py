def longest_fresh_stretch(songs: list[str]) -> int:
    last_seen: dict[str, int] = {}
    best = 0
    left = 0
    for right, title in enumerate(songs):
        previous = last_seen.get(title)
        if previous is not None and previous >= left:
            left = previous + 1
        last_seen[title] = right
        if right - left + 1 > best:
            best = right - left + 1
    return best
