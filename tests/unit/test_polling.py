"""A wait hands back the first truthy value of its condition, or says what did not happen."""

from __future__ import annotations

import re

import pytest

from dev.polling import holds_within, wait_until, wait_until_async


def test_a_wait_returns_the_first_truthy_value_and_asks_no_further() -> None:
    answers = iter([None, 0, "", "the row", "a later row"])
    assert wait_until(lambda: next(answers), timeout=5, what="a row", interval=0) == "the row"
    assert next(answers) == "a later row"


def test_a_condition_that_comes_true_in_time_holds_and_is_asked_no_further() -> None:
    answers = iter([False, None, True, "never asked"])
    assert holds_within(lambda: next(answers), timeout=5, interval=0)
    assert next(answers) == "never asked"


def test_a_condition_that_never_comes_true_is_an_answer_not_a_failure() -> None:
    assert holds_within(lambda: False, timeout=0.01, interval=0.001) is False


def test_a_wait_that_times_out_says_what_did_not_happen() -> None:
    with pytest.raises(AssertionError, match=f"^{re.escape('a row did not happen within 0.01s')}$"):
        wait_until(lambda: None, timeout=0.01, what="a row", interval=0.001)


async def test_an_async_wait_returns_the_first_truthy_value_and_asks_no_further() -> None:
    answers = iter([None, False, 42, 43])

    async def answer() -> int | bool | None:
        return next(answers)

    assert await wait_until_async(answer, timeout=5, what="an answer", interval=0) == 42
    assert next(answers) == 43


async def test_an_async_wait_that_times_out_says_what_did_not_happen() -> None:
    async def nothing() -> None:
        return None

    with pytest.raises(AssertionError, match=f"^{re.escape('an answer did not happen within 0.01s')}$"):
        await wait_until_async(nothing, timeout=0.01, what="an answer", interval=0.001)
