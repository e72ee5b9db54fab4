def count_forest_patches(grid: list[str]) -> int:
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    seen = [[False] * cols for _ in range(rows)]
    patches = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] != "T" or seen[r][c]:
                continue
            patches += 1
            seen[r][c] = True
            stack = [(r, c)]
            while stack:
                y, x = stack.pop()
                for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                    if (
                        0 <= ny < rows
                        and 0 <= nx < cols
                        and not seen[ny][nx]
                        and grid[ny][nx] == "T"
                    ):
                        seen[ny][nx] = True
                        stack.append((ny, nx))
    return patches
