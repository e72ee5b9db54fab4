// Merge sort, counting the pairs each merge puts back in order.
class Solution {
    long long sortCounting(vector<int>& ids, vector<int>& spare, size_t lo, size_t hi) {
        if (hi - lo < 2) return 0;
        size_t mid = lo + (hi - lo) / 2;
        long long count = sortCounting(ids, spare, lo, mid) + sortCounting(ids, spare, mid, hi);
        size_t i = lo, j = mid, k = lo;
        while (i < mid && j < hi) {
            if (ids[j] < ids[i]) {
                count += mid - i;
                spare[k++] = ids[j++];
            } else {
                spare[k++] = ids[i++];
            }
        }
        while (i < mid) spare[k++] = ids[i++];
        while (j < hi) spare[k++] = ids[j++];
        copy(spare.begin() + lo, spare.begin() + hi, ids.begin() + lo);
        return count;
    }

public:
    long long countOutOfOrder(vector<int>& ids) {
        vector<int> sorted = ids, spare(ids.size());
        return sortCounting(sorted, spare, 0, sorted.size());
    }
};
