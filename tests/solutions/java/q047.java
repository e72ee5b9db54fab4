import java.util.Collections;
import java.util.PriorityQueue;

class Solution {
    /** Two heaps: a max-heap of the lower half, a min-heap of the upper half. */
    public double[] runningMedian(int[] readings) {
        PriorityQueue<Integer> low = new PriorityQueue<>(Collections.reverseOrder());
        PriorityQueue<Integer> high = new PriorityQueue<>();
        double[] medians = new double[readings.length];
        for (int k = 0; k < readings.length; k++) {
            int x = readings[k];
            if (!low.isEmpty() && x > low.peek()) {
                high.add(x);
            } else {
                low.add(x);
            }
            if (low.size() > high.size() + 1) {
                high.add(low.poll());
            } else if (high.size() > low.size()) {
                low.add(high.poll());
            }
            medians[k] = low.size() > high.size()
                    ? low.peek()
                    : ((long) low.peek() + high.peek()) / 2.0;
        }
        return medians;
    }
}
