def distance_to_taller(heights: list[int]) -> list[int]:
    answer = [0] * len(heights)
    stack: list[int] = []  # indices with non-increasing heights
    for i, h in enumerate(heights):
        while stack and heights[stack[-1]] < h:
            j = stack.pop()
            answer[j] = i - j
        stack.append(i)
    return answer
