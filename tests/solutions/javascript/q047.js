class Heap {
  // A binary heap; "before(a, b)" says a comes out first.
  constructor(before) {
    this.items = [];
    this.before = before;
  }

  get size() {
    return this.items.length;
  }

  peek() {
    return this.items[0];
  }

  push(value) {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop() {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < items.length && this.before(items[left], items[best])) best = left;
        if (right < items.length && this.before(items[right], items[best])) best = right;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}

function runningMedian(readings) {
  // Two heaps: a max-heap of the lower half, a min-heap of the upper half.
  const low = new Heap((a, b) => a > b); // size == high.size or high.size + 1
  const high = new Heap((a, b) => a < b);
  const medians = [];
  for (const x of readings) {
    if (low.size > 0 && x > low.peek()) high.push(x);
    else low.push(x);
    if (low.size > high.size + 1) high.push(low.pop());
    else if (high.size > low.size) low.push(high.pop());
    medians.push(low.size > high.size ? low.peek() : (low.peek() + high.peek()) / 2);
  }
  return medians;
}
