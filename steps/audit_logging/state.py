"""What ``collect`` reads, as types: plain JSON (dicts, lists, strings), so it pickles and compares.

Any value marked ``| Unreadable`` may instead be ``steps.base.unreadable(reason)`` when its read
failed; ``evaluate`` turns those into UNKNOWN findings (``is_unreadable``/``reason_of``).
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

# ``{"__unreadable__": reason}``, made by steps.base.unreadable
Unreadable = dict[str, str]


class TrailStatus(TypedDict):
    IsLogging: bool


class Selectors(TypedDict):
    """``GetEventSelectors``' answer: a trail uses one list or the other."""

    EventSelectors: list[dict[str, Any]]
    AdvancedEventSelectors: list[dict[str, Any]]


class Trail(TypedDict):
    """A ``DescribeTrails`` row (the fields kept), with its status and selectors read from the
    trail's home region. The trail may be another account's (an organization or Control Tower trail)."""

    Name: str
    TrailARN: str
    HomeRegion: str
    S3BucketName: str | None
    IsMultiRegionTrail: bool | None
    IncludeGlobalServiceEvents: bool | None
    LogFileValidationEnabled: bool | None
    KmsKeyId: str | None
    CloudWatchLogsLogGroupArn: str | None
    CloudWatchLogsRoleArn: str | None
    IsOrganizationTrail: bool | None
    HasCustomEventSelectors: bool | None
    status: TrailStatus | Unreadable
    selectors: Selectors | Unreadable


class TrailBucket(TypedDict):
    """The primary trail's bucket when it is in this account (steps.shared_reads.bucket_exposure)."""

    name: str
    region: str
    bpa: dict[str, bool] | None | Unreadable  # the PublicAccessBlockConfiguration
    policy: str | None | Unreadable  # the policy document, as JSON text
    acl_grants: list[dict[str, Any]] | Unreadable
    logging: dict[str, Any] | None | Unreadable  # GetBucketLogging's LoggingEnabled


class TrailKey(TypedDict):
    """The tool's enabled trail key, found by its alias (kms_key.read_trail_key)."""

    KeyId: str
    Arn: str
    Region: str
    rotation: bool | Unreadable


class ConfigState(TypedDict):
    recorders: list[dict[str, Any]] | Unreadable  # DescribeConfigurationRecorders
    status: list[dict[str, Any]] | Unreadable  # DescribeConfigurationRecorderStatus
    channels: list[dict[str, Any]] | Unreadable  # DescribeDeliveryChannels


class Detector(TypedDict):
    DetectorId: str
    Status: str | None | Unreadable  # ENABLED or DISABLED


class Standard(TypedDict):
    StandardsArn: str
    StandardsStatus: str
    StandardsSubscriptionArn: str


class SecurityHubState(TypedDict):
    hub: dict[str, str] | None | Unreadable  # {"HubArn"}; None when Security Hub is off
    standards: list[Standard] | None | Unreadable  # None when Security Hub is off


class RegionState(TypedDict):
    config: ConfigState
    guardduty: list[Detector] | Unreadable
    securityhub: SecurityHubState


class Subscription(TypedDict):
    SubscriptionArn: str  # "PendingConfirmation" until the email link is followed
    Protocol: str
    Endpoint: str


class AlarmsState(TypedDict):
    """The CIS alarms' parts, in the region of the trail's log group (or where ours would go)."""

    region: str
    log_group: str  # "" when the trail does not deliver to CloudWatch Logs
    filters: list[dict[str, Any]] | Unreadable  # DescribeMetricFilters on log_group
    alarms: list[dict[str, Any]] | Unreadable  # DescribeAlarms: AlarmName, MetricName, Namespace, AlarmActions, ...
    topics: dict[str, list[Subscription] | Unreadable]  # subscribers of each SNS topic an alarm notifies, and ours
    our_topic_exists: bool | Unreadable
    our_group_exists: NotRequired[bool | Unreadable]  # only read when log_group is ""
    our_role_arn: NotRequired[str | None | Unreadable]  # only read when log_group is ""


class AuditState(TypedDict):
    account_id: str
    home_region: str
    regions: list[str]  # the enabled regions
    trails: list[Trail] | Unreadable
    buckets: list[str] | Unreadable  # every bucket name in the account
    trail_bucket: TrailBucket | None | Unreadable  # None: no trail, or its bucket is another account's
    logs_bucket_policy: str | None | Unreadable  # the policy of the log bucket the fix creates, if it exists
    config_role: bool | Unreadable  # AWS Config's service-linked role exists
    trail_key: TrailKey | None | Unreadable
    regional: dict[str, RegionState | Unreadable]
    alarms: AlarmsState | Unreadable
