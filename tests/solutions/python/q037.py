def largest_rain_barrel(posts: list[int]) -> int:
    """Two pointers: always move the shorter post inwards."""
    i, j = 0, len(posts) - 1
    best = 0
    while i < j:
        a, b = posts[i], posts[j]
        if a < b:
            area = (j - i) * a
            i += 1
        else:
            area = (j - i) * b
            j -= 1
        if area > best:
            best = area
    return best
