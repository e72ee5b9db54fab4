import java.util.Arrays;

class Solution {
    public int shortestTour(int[][] dist) {
        int n = dist.length;
        if (n == 1) {
            return 0;
        }
        int m = n - 1; // checkpoints 1..n-1 are bits 0..m-1 of the mask
        long inf = Long.MAX_VALUE / 4;
        int full = 1 << m;
        // dp[mask][j]: shortest walk from 0 visiting exactly the checkpoints of mask, ending at j
        long[][] dp = new long[full][m];
        for (long[] row : dp) {
            Arrays.fill(row, inf);
        }
        for (int j = 0; j < m; j++) {
            dp[1 << j][j] = dist[0][j + 1];
        }
        for (int mask = 3; mask < full; mask++) {
            if ((mask & (mask - 1)) == 0) {
                continue;
            }
            for (int j = 0; j < m; j++) {
                if ((mask & (1 << j)) == 0) {
                    continue;
                }
                long[] before = dp[mask ^ (1 << j)];
                long best = inf;
                for (int i = 0; i < m; i++) {
                    long through = before[i] + dist[i + 1][j + 1];
                    if (through < best) {
                        best = through;
                    }
                }
                dp[mask][j] = best;
            }
        }
        long best = inf;
        for (long value : dp[full - 1]) {
            best = Math.min(best, value);
        }
        return (int) best;
    }
}
