// Backtracking from every cell, after a letter-count check, starting from the rarer end.
class Solution {
    vector<string>* grid = nullptr;
    string word;

    bool foundFrom(int r, int c, size_t i) {
        vector<string>& g = *grid;
        if (r < 0 || c < 0 || r >= (int)g.size() || c >= (int)g[r].size() || g[r][c] != word[i])
            return false;
        if (i + 1 == word.size()) return true;
        char kept = g[r][c];
        g[r][c] = '#';
        bool found = foundFrom(r + 1, c, i + 1) || foundFrom(r - 1, c, i + 1) ||
                     foundFrom(r, c + 1, i + 1) || foundFrom(r, c - 1, i + 1);
        g[r][c] = kept;
        return found;
    }

public:
    bool findHiddenWord(vector<string>& board, string wanted) {
        array<int, 256> have{}, need{};
        for (const string& row : board)
            for (unsigned char c : row) have[c]++;
        for (unsigned char c : wanted) need[c]++;
        for (int k = 0; k < 256; k++)
            if (have[k] < need[k]) return false;
        if (wanted.empty()) return true;
        if (have[(unsigned char)wanted.front()] > have[(unsigned char)wanted.back()])
            reverse(wanted.begin(), wanted.end());
        grid = &board;
        word = wanted;
        for (int r = 0; r < (int)board.size(); r++)
            for (int c = 0; c < (int)board[r].size(); c++)
                if (foundFrom(r, c, 0)) return true;
        return false;
    }
};
