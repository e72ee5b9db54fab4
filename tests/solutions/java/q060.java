class Solution {
    private int full;

    public int countPeacefulPlacements(int n) {
        full = (1 << n) - 1;
        // Mirror symmetry: count placements with the first-row queen in the left half, doubled.
        int total = 0;
        for (int c = 0; c < n / 2; c++) {
            int bit = 1 << c;
            total += solve(bit, (bit << 1) & full, bit >> 1);
        }
        total *= 2;
        if (n % 2 == 1) {
            int bit = 1 << (n / 2);
            total += solve(bit, (bit << 1) & full, bit >> 1);
        }
        return total;
    }

    private int solve(int cols, int diag1, int diag2) {
        if (cols == full) {
            return 1;
        }
        int total = 0;
        int free = full & ~(cols | diag1 | diag2);
        while (free != 0) {
            int bit = free & -free;
            free ^= bit;
            total += solve(cols | bit, ((diag1 | bit) << 1) & full, (diag2 | bit) >> 1);
        }
        return total;
    }
}
