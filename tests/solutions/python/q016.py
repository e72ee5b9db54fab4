def is_lucky_ticket(ticket: str) -> bool:
    half = len(ticket) // 2
    balance = 0
    for i in range(half):
        balance += ord(ticket[i]) - ord(ticket[half + i])
    return balance == 0
