def expand_banner(code: str) -> str:
    """Stack of (text before the block, repeat count)."""
    stack: list[tuple[list[str], int]] = []
    current: list[str] = []
    k = 0
    for ch in code:
        if ch.isdigit():
            k = k * 10 + int(ch)
        elif ch == "[":
            stack.append((current, k))
            current, k = [], 0
        elif ch == "]":
            prev, times = stack.pop()
            prev.append("".join(current) * times)
            current = prev
        else:
            current.append(ch)
    return "".join(current)
