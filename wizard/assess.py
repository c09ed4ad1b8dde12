"""Assessment: collect and evaluate steps against one account, steps in parallel.

Regional reads inside a step run in the AWS object's region pool; steps run in their own pool, so
the two never wait on each other. Steps mostly wait on the network, so by default they all run at
once: the run then takes about as long as its longest chain of dependent reads, and identical
reads of different steps are made once (the AWS object's cache) whichever step asks first.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, Iterable

from steps.base import Finding, Plan, Severity, Status, StepError, summarize


@dataclass
class StepResult:
    """One step's state and findings (or the error that stopped its collection)."""

    step: ModuleType
    state: Any = None
    findings: list[Finding] = field(default_factory=list)
    error: StepError | None = None

    @property
    def id(self) -> str:
        return self.step.INFO.id

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    @property
    def check_counts(self) -> dict[str, int]:
        """How many distinct checks have a finding of each status: 19 regions without Access Analyzer
        are one failing check (the sidebar counts what the owner has to fix, not resource-regions)."""
        seen: dict[str, set[str]] = {s.value: set() for s in Status}
        for finding in self.findings:
            seen[finding.status.value].add(finding.check)
        return {status: len(checks) for status, checks in seen.items()}

    def plan(self, answers: dict[str, str] | None = None) -> Plan:
        if self.state is None:
            return Plan(self.id)
        return self.step.plan(self.state, answers or {})


def assess_step(aws: Any, step: ModuleType) -> StepResult:
    """Collect and evaluate one step; any failure becomes an UNKNOWN finding, never a crash."""
    try:
        state = step.collect(aws)
        return StepResult(step, state, list(step.evaluate(state)))
    except StepError as error:
        return StepResult(step, None, [_failed(step, str(error))], error)
    except Exception as error:  # noqa: BLE001 - a bug in one step must not hide the others
        return StepResult(step, None, [_failed(step, f"{type(error).__name__}: {error}")],
                          StepError(f"the {step.INFO.id} step failed", str(error)))


def _failed(step: ModuleType, reason: str) -> Finding:
    return Finding(
        check="collect", title=f"{step.INFO.title}: collection", status=Status.UNKNOWN,
        message=f"Could not check this step: {reason}", severity=Severity.INFO,
    )


def assess(aws: Any, steps: Iterable[ModuleType], on_done: Callable[[StepResult], None] | None = None,
           parallel: int | None = None) -> list[StepResult]:
    """Assess ``steps`` concurrently; ``on_done`` hears of each as it finishes, and the results
    come back in the steps' order."""
    steps = list(steps)
    workers = len(steps) if parallel is None else min(parallel, len(steps))
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="aws-step") as pool:
        futures = [pool.submit(assess_step, aws, step) for step in steps]
        if on_done:
            for future in as_completed(futures):
                on_done(future.result())
        return [future.result() for future in futures]
