from collections import Counter


def find_hidden_word(board: list[str], word: str) -> bool:
    """Backtracking DFS with a letter-count check and starting from the rarer end."""
    rows, cols = len(board), len(board[0])
    if len(word) > rows * cols:
        return False
    have = Counter("".join(board))
    need = Counter(word)
    if any(have[c] < n for c, n in need.items()):
        return False
    if have[word[0]] > have[word[-1]]:
        word = word[::-1]
    grid = [list(r) for r in board]
    n = len(word)

    def dfs(r: int, c: int, i: int) -> bool:
        if grid[r][c] != word[i]:
            return False
        if i == n - 1:
            return True
        grid[r][c] = "#"
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and dfs(nr, nc, i + 1):
                grid[r][c] = word[i]
                return True
        grid[r][c] = word[i]
        return False

    return any(dfs(r, c, 0) for r in range(rows) for c in range(cols))
