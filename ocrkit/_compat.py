"""Calls of ocrkit 0.1 that still work, with a warning that says what to write now."""

import functools
import warnings


def keyword_after_first(name, call):
    """Let a function's keyword-only option ``name`` still be given by position.

    ocrkit 0.1 took it as the second positional argument; such a call still
    works, with a ``DeprecationWarning`` that shows the call to write now.

    Parameters
    ----------
    name : str
        The keyword-only option that used to be second.
    call : str
        The call to write now, for the warning, e.g. ``"extract_features(digits, settings=...)"``.

    Returns
    -------
    decorator : callable
    """

    def decorate(function):
        @functools.wraps(function)
        def accept(first, *args, **kwargs):
            if args:
                if len(args) > 1 or name in kwargs:
                    raise TypeError(f"{function.__name__}() takes one positional argument; "
                                    f"write {call}")
                warnings.warn(f"pass {name} by name: {call}", DeprecationWarning, stacklevel=2)
                kwargs[name] = args[0]
            return function(first, **kwargs)

        return accept

    return decorate
