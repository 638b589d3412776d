"""Work done in a background process gives the same result, and the same error, as inline work."""

import pytest

from notes_site.workers import BACKGROUND_MIN, in_background


def square_all(numbers):
    return [n * n for n in numbers]


def fail(reason):
    raise ValueError(reason)


def test_a_big_job_in_the_background_returns_what_it_would_inline():
    numbers = list(range(BACKGROUND_MIN))
    assert in_background(square_all, numbers, size=len(numbers))() == square_all(numbers)


@pytest.mark.parametrize("size", [BACKGROUND_MIN, 1])  # in a forked process, and inline
def test_a_failed_background_job_raises_its_error_when_waited_for(size):
    wait = in_background(fail, "broken note", size=size)
    with pytest.raises(ValueError, match="broken note"):
        wait()
