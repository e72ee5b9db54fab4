import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

class Solution {
    public int[][] mergeWindows(int[][] windows) {
        int[][] ordered = windows.clone();
        Arrays.sort(ordered, (x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0])
                : Integer.compare(x[1], y[1]));
        List<int[]> merged = new ArrayList<>();
        for (int[] window : ordered) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && window[0] <= last[1]) {
                last[1] = Math.max(last[1], window[1]);
            } else {
                merged.add(new int[] {window[0], window[1]});
            }
        }
        return merged.toArray(new int[0][]);
    }
}
