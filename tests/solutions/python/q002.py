def are_tags_balanced(tags: str) -> bool:
    if len(tags) % 2:
        return False
    partner = {")": "(", "]": "[", "}": "{", ">": "<"}
    stack: list[str] = []
    for ch in tags:
        if ch in partner:
            if not stack or stack.pop() != partner[ch]:
                return False
        else:
            stack.append(ch)
    return not stack
