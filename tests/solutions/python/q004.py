def is_palindromic_plate(plate: str) -> bool:
    def keep(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    i, j = 0, len(plate) - 1
    while i < j:
        if not keep(plate[i]):
            i += 1
        elif not keep(plate[j]):
            j -= 1
        else:
            if plate[i].lower() != plate[j].lower():
                return False
            i += 1
            j -= 1
    return True
