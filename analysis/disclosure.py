"""The smallest group whose figures are shown: with two managers, each one's answers can be inferred.

A module of its own, without pandas, so that pages which only need the rule (the action plan's
URLconf, the forms) do not load the figures' libraries.
"""

MIN_GROUP = 3


def is_suppressed(managers: int) -> bool:
    return managers < MIN_GROUP
