"""What reads answer, as wizard/aws.py keeps and returns it: merged pages, finished reads, "there is none"."""

from __future__ import annotations

from _thread import allocate_lock
from typing import Any, Iterable, Mapping

from wizard.aws_errors import ReadFailed


class Answer:
    """A finished read in the run's cache: what its Future held, without the Future's lock and
    condition (~1.5 KB a read: 10 MB over the 6,700 reads of a large account)."""

    __slots__ = ("response", "failure")

    def __init__(self, response: Any = None, failure: ReadFailed | None = None) -> None:
        self.response, self.failure = response, failure

    def result(self) -> Any:
        if self.failure is not None:
            raise self.failure
        return self.response


class Pending:
    """A read in flight: whoever asks for it meanwhile waits here for its answer.

    What ``concurrent.futures.Future`` gave the read cache (``set_result``, ``set_exception``,
    ``result``) on one lock held until the answer is set: a Future makes a Condition, an RLock and a
    waiter list for every read (~2% of a large account's CPU) for the rare second asker.
    """

    __slots__ = ("_unset", "_response", "_failure")

    def __init__(self) -> None:
        self._unset = allocate_lock()
        self._unset.acquire()
        self._response: Any = None
        self._failure: BaseException | None = None

    def set_result(self, response: Any) -> None:
        self._response = response
        self._unset.release()

    def set_exception(self, failure: BaseException) -> None:
        self._failure = failure
        self._unset.release()

    def result(self) -> Any:
        if self._unset.locked():
            with self._unset:  # held until the answer is set; then each waiter passes in turn
                pass
        if self._failure is not None:
            raise self._failure
        return self._response


def means_none(failed: ReadFailed, entry: str) -> bool:
    """Whether ``failed`` is what ``entry`` ("Code" or "Code: message fragment") says means "there is none"."""
    code, _, fragment = entry.partition(": ")
    return failed.code == code and (not fragment or fragment.lower() in failed.message.lower())


def merge_pages(pages: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Every page's list fields concatenated; other fields from the first page that has them."""
    merged: dict[str, Any] = {}
    for page in pages:
        for key, value in page.items():
            if key in ("ResponseMetadata", "NextToken", "Marker", "IsTruncated", "NextMarker"):
                continue
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged.setdefault(key, value)
    return merged
