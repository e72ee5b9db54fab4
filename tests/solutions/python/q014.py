def list_door_codes(digits: str, n: int) -> list[str]:
    keys = sorted(digits)
    codes: list[str] = []
    current: list[str] = []

    def extend() -> None:
        if len(current) == n:
            codes.append("".join(current))
            return
        for d in keys:
            if current and current[-1] == d:
                continue
            current.append(d)
            extend()
            current.pop()

    extend()
    return codes
