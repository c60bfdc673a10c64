"""Possible-misquote flags on a table of pairs: only quoted words, and only words that really differ."""
from __future__ import annotations

import pytest

from claims.views.base import diff_words


@pytest.mark.parametrize("canonical, reported, flagged", [
    # Words that differ are named.
    ("The economy is strong and growing", "The economy is weak and growing", ["strong", "weak"]),
    ("We will cut the deficit by half within four years", "We will cut the deficit by a third within four years",
     ["half", "third"]),
    # The same words in another order are not a misquote.
    ("Ukraine wants NATO membership now", "Now Ukraine wants membership of NATO", []),
    ("He wants membership for Ukraine in NATO", "He wants NATO membership for Ukraine", []),
    # A word in both texts (moved, or repeated) is not what differs.
    ("We will not raise taxes", "We will not raise taxes, not now", []),
    ("We will not raise taxes this year", "Not this year: we will raise taxes", []),
])
def test_misquote_flags_name_only_the_words_that_really_differ(canonical, reported, flagged):
    assert sorted(diff_words(canonical, reported)[1]) == sorted(flagged)


def test_reported_speech_is_never_flagged_as_a_misquote():
    assert diff_words("The economy is strong and growing", "The economy is weak and growing")[1] == ["strong", "weak"]
    diff, flagged = diff_words("The economy is strong and growing", "The economy is weak and growing", quoted=False)
    assert flagged == [] and diff
