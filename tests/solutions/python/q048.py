def trapped_rainwater(heights: list[int]) -> int:
    """Two pointers: the lower side's running maximum bounds its water."""
    i, j = 0, len(heights) - 1
    left_max = right_max = 0
    water = 0
    while i < j:
        if heights[i] <= heights[j]:
            if heights[i] > left_max:
                left_max = heights[i]
            else:
                water += left_max - heights[i]
            i += 1
        else:
            if heights[j] > right_max:
                right_max = heights[j]
            else:
                water += right_max - heights[j]
            j -= 1
    return water
