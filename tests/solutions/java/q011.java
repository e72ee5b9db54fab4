import java.util.Arrays;

class Solution {
    public boolean hasDoubleBooking(int[][] meetings) {
        int[][] ordered = meetings.clone();
        Arrays.sort(ordered, (x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0])
                : Integer.compare(x[1], y[1]));
        for (int k = 1; k < ordered.length; k++) {
            if (ordered[k][0] < ordered[k - 1][1]) {
                return true;
            }
        }
        return false;
    }
}
