def find_biggest_billboard(heights: list[int]) -> int:
    stack: list[int] = []  # indices with strictly increasing heights
    best = 0
    n = len(heights)
    for i in range(n + 1):
        h = heights[i] if i < n else -1
        while stack and heights[stack[-1]] >= h:
            top = heights[stack.pop()]
            left = stack[-1] if stack else -1
            area = top * (i - left - 1)
            if area > best:
                best = area
        stack.append(i)
    return best
