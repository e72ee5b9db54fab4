def group_anagram_shelves(words: list[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for word in words:
        key = "".join(sorted(word))
        groups.setdefault(key, []).append(word)
    # dicts keep insertion order: groups come in order of their first word.
    return list(groups.values())
