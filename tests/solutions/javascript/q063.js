function countOnesOnOdometer(n) {
  let total = 0;
  for (let power = 1; power <= n; power *= 10) {
    const high = Math.floor(n / (power * 10));
    const rem = n % (power * 10);
    const digit = Math.floor(rem / power);
    const low = rem % power;
    total += high * power;
    if (digit > 1) total += power;
    else if (digit === 1) total += low + 1;
  }
  return total;
}
