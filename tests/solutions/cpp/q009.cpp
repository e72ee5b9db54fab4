// ways(i) = ways(i - 1) + ways(i - 3), with ways(0) = ways(1) = ways(2) = 1.
class Solution {
public:
    long long countHopSequences(int n) {
        vector<long long> ways(max(n + 1, 3), 1);
        for (int i = 3; i <= n; i++) ways[i] = ways[i - 1] + ways[i - 3];
        return ways[n];
    }
};
