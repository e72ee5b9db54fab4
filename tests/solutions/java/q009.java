class Solution {
    // ways[i] = ways[i - 1] + ways[i - 3], with ways[0] = 1
    public long countHopSequences(int n) {
        if (n < 3) {
            return 1;
        }
        long a = 1, b = 1, c = 1; // ways[i - 3], ways[i - 2], ways[i - 1] for i = 3
        for (int i = 3; i <= n; i++) {
            long next = c + a;
            a = b;
            b = c;
            c = next;
        }
        return c;
    }
}
