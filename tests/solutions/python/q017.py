def has_quick_replay(playlist: list[int], k: int) -> bool:
    last_seen: dict[int, int] = {}
    for i, song in enumerate(playlist):
        j = last_seen.get(song)
        if j is not None and i - j <= k:
            return True
        last_seen[song] = i
    return False
