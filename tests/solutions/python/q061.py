from functools import cache


def split_hashtag(tag: str, words: list[str]) -> list[str]:
    dictionary = set(words)
    lengths = sorted({len(w) for w in dictionary})
    n = len(tag)

    @cache
    def splits_from(i: int) -> tuple[str, ...]:
        if i == n:
            return ("",)
        result = []
        for length in lengths:
            j = i + length
            if j > n:
                break
            piece = tag[i:j]
            if piece in dictionary:
                for rest in splits_from(j):
                    result.append(piece + " " + rest if rest else piece)
        return tuple(result)

    return sorted(splits_from(0))
