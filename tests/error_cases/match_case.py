"""Error case needing Python >= 3.10 syntax (kept out of the test module so the
corpus still imports on Python 3.9)."""


def match_statement(x):
    match x:  # ERR
        case 1:  # ERR
            return 2
        case _:
            return 3
