def max_equipped_campers(needs: list[int], packs: list[int]) -> int:
    needs = sorted(needs)
    packs = sorted(packs)
    i = 0  # smallest need not yet equipped
    for size in packs:
        if i < len(needs) and size >= needs[i]:
            i += 1
    return i
