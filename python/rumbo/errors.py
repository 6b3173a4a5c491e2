"""Errors and warnings, under Numba's names (also as rumbo.core.errors)."""


class NumbaError(Exception):
    """Base of every error the compiler reports."""


class TypingError(NumbaError):
    """Types that do not fit: the message shows where, the types, and a hint."""


class UnsupportedError(NumbaError):
    """A construct rumbo does not compile."""


class UnsupportedBytecodeError(UnsupportedError):
    pass


class LoweringError(NumbaError):
    pass


class CompilerError(NumbaError):
    pass


class InternalError(NumbaError):
    pass


class RequireLiteralValue(TypingError):
    pass


class NumbaTypeError(TypingError, TypeError):
    pass


class NumbaValueError(TypingError, ValueError):
    pass


class NumbaIndexError(TypingError, IndexError):
    pass


class NumbaKeyError(TypingError, KeyError):
    pass


class NumbaAttributeError(TypingError, AttributeError):
    pass


class NumbaNotImplementedError(NumbaError, NotImplementedError):
    pass


class NumbaWarning(Warning):
    pass


class NumbaPerformanceWarning(NumbaWarning):
    pass


class NumbaDeprecationWarning(NumbaWarning, DeprecationWarning):
    pass


class NumbaPendingDeprecationWarning(NumbaWarning, PendingDeprecationWarning):
    pass


class NumbaParallelSafetyWarning(NumbaWarning):
    pass


class NumbaTypeSafetyWarning(NumbaWarning):
    pass
