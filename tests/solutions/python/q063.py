def count_ones_on_odometer(n: int) -> int:
    total = 0
    power = 1
    while power <= n:
        high, rem = divmod(n, power * 10)
        digit, low = divmod(rem, power)
        total += high * power
        if digit > 1:
            total += power
        elif digit == 1:
            total += low + 1
        power *= 10
    return total
