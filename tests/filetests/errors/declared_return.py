# The signature declares an int64 return; a tuple cannot convert to it. A
# signature compiles at decoration, so the listed call applies the decorator.
from rumbo import njit


def body(x):
    return (x, x)


def compile_with_signature():
    njit("int64(int64)")(body)


CALLS = [("compile_with_signature", ())]
