def can_give_change(payments: list[int]) -> bool:
    threes = sixes = 0
    for token in payments:
        if token == 3:
            threes += 1
        elif token == 6:
            if threes == 0:
                return False
            threes -= 1
            sixes += 1
        else:
            # Change of 6: prefer one 6-token, keeping the more versatile 3-tokens.
            if sixes > 0:
                sixes -= 1
            elif threes >= 2:
                threes -= 2
            else:
                return False
    return True
