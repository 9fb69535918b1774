"""The smallest group whose figures are shown: with two managers, each one's answers can be inferred.

One word for it everywhere: a too small group's figures are *withheld* (the pages say so with
`templates/analysis/_withheld.html`). A figure function raises `Withheld`; each view catches it once
and shows the message, or answers 409 for a download.

A module of its own, without pandas, so that pages which only need the rule (the URLconf, the forms,
the action plan) do not load the figures' libraries.
"""

MIN_GROUP = 3


def is_withheld(managers: int) -> bool:
    return managers < MIN_GROUP


class Withheld(Exception):
    """Raised for a selection of fewer than MIN_GROUP managers: only how many there are is kept,
    never their figures."""

    def __init__(self, managers: int):
        self.managers = managers
        super().__init__(f"{managers} managers")
