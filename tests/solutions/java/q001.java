import java.util.HashMap;
import java.util.Map;

class Solution {
    public int[] payWithTwoCards(int[] values, int target) {
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < values.length; j++) {
            Integer i = seen.get(target - values[j]);
            if (i != null) {
                return new int[] {i, j};
            }
            seen.putIfAbsent(values[j], j);
        }
        return new int[0];
    }
}
