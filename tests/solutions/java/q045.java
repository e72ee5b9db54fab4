class Solution {
    private char[][] grid;
    private String word;

    /** Backtracking DFS with a letter-count check and starting from the rarer end. */
    public boolean findHiddenWord(String[] board, String word) {
        int rows = board.length, cols = board[0].length();
        if (word.length() > rows * cols) {
            return false;
        }
        int[] have = new int[128], need = new int[128];
        for (String row : board) {
            for (char c : row.toCharArray()) {
                have[c]++;
            }
        }
        for (char c : word.toCharArray()) {
            need[c]++;
        }
        for (int c = 0; c < 128; c++) {
            if (have[c] < need[c]) {
                return false;
            }
        }
        if (have[word.charAt(0)] > have[word.charAt(word.length() - 1)]) {
            word = new StringBuilder(word).reverse().toString();
        }
        this.word = word;
        grid = new char[rows][];
        for (int r = 0; r < rows; r++) {
            grid[r] = board[r].toCharArray();
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (dfs(r, c, 0)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean dfs(int r, int c, int i) {
        if (r < 0 || r >= grid.length || c < 0 || c >= grid[r].length) {
            return false;
        }
        if (grid[r][c] != word.charAt(i)) {
            return false;
        }
        if (i == word.length() - 1) {
            return true;
        }
        grid[r][c] = '#';
        boolean found = dfs(r + 1, c, i + 1) || dfs(r - 1, c, i + 1)
                || dfs(r, c + 1, i + 1) || dfs(r, c - 1, i + 1);
        grid[r][c] = word.charAt(i);
        return found;
    }
}
