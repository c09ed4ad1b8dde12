"""What an AWS failure means: the IAM action a call needs, and a failure's kind and reason.

botocore raises many exception types and hundreds of error codes; steps only need to know
whether a read was denied, unsupported, throttled or failed otherwise (all recorded as UNKNOWN,
never as FAIL), and a reason a person can act on.
"""

from __future__ import annotations

# The IAM action prefix of a botocore service name, where the two differ.
IAM_PREFIX = {
    "accessanalyzer": "access-analyzer",
    "sso-admin": "sso",
    "s3control": "s3",
    "configservice": "config",
    "cloudwatch": "cloudwatch",
    "logs": "logs",
    "events": "events",
    "resourcegroupstaggingapi": "tag",
    "efs": "elasticfilesystem",
}

# IAM action names that differ from the API operation's name (S3 above all).
IAM_ACTION_OVERRIDES = {
    ("s3control", "GetPublicAccessBlock"): "GetAccountPublicAccessBlock",
    ("s3control", "PutPublicAccessBlock"): "PutAccountPublicAccessBlock",
    ("s3control", "DeletePublicAccessBlock"): "PutAccountPublicAccessBlock",
    ("s3", "GetPublicAccessBlock"): "GetBucketPublicAccessBlock",
    ("s3", "PutPublicAccessBlock"): "PutBucketPublicAccessBlock",
    ("s3", "DeletePublicAccessBlock"): "PutBucketPublicAccessBlock",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "GetEncryptionConfiguration",
    ("s3", "PutBucketEncryption"): "PutEncryptionConfiguration",
    ("s3", "DeleteBucketEncryption"): "PutEncryptionConfiguration",
    ("s3", "DeleteObjects"): "DeleteObject",
}

DENIED_CODES = {
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "Forbidden", "403",
}
THROTTLE_CODES = {
    "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException",
}
UNSUPPORTED_CODES = {"404", "NotImplemented", "InvalidAction", "UnknownOperationException", "UnsupportedOperation"}
# Failures that may be different a moment later: not kept in the read cache.
TRANSIENT_CODES = THROTTLE_CODES | {
    "ReportInProgress", "ReportNotPresent", "ReportExpired", "ServiceUnavailable", "InternalError",
    "InternalFailure", "RequestTimeout", "RequestTimeoutException", "InsufficientCapacity",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action an API call needs, e.g. ``iam:ListUsers``."""
    return f"{IAM_PREFIX.get(service, service)}:{IAM_ACTION_OVERRIDES.get((service, operation), operation)}"


class ReadFailed(Exception):
    """A read that could not be made. ``kind`` is denied, unsupported, throttled or error."""

    def __init__(self, kind: str, reason: str, code: str = "", transient: bool | None = None,
                 message: str = "") -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.code = code
        self.message = message  # AWS's own message, for ``missing`` entries written "Code: fragment"
        # Whether asking again later may give another answer (throttling, a 5xx, no connection).
        self.transient = (kind == "throttled" or code in TRANSIENT_CODES) if transient is None else transient



def describe_error(error: Exception, service: str, operation: str) -> ReadFailed:
    """Classify a botocore failure into a :class:`ReadFailed` with a reason a person can act on."""
    from botocore.exceptions import (
        ClientError,
        ConnectionError as BotoConnectionError,
        EndpointConnectionError,
        NoCredentialsError,
    )
    from botocore.parsers import ResponseParserError

    action = iam_action(service, operation)
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        message = info.get("Message", "") or str(error)
        if code in DENIED_CODES or status == 403:
            return ReadFailed("denied", f"access denied: the caller lacks {action}", code, message=message)
        if code in THROTTLE_CODES or status == 429:
            return ReadFailed("throttled", f"{action} was throttled even after retries", code)
        if code in UNSUPPORTED_CODES or (status == 404 and not code[:1].isalpha()):
            return ReadFailed("unsupported", f"{action} is not supported by this endpoint", code)
        if status >= 500:
            return ReadFailed("error", f"{action} failed on the AWS side ({code or status}) after retries", code,
                              transient=True)
        return ReadFailed("error", f"{action} failed: {code}: {message}", code, message=message)
    if isinstance(error, ResponseParserError):
        return ReadFailed("unsupported", f"{action} is not supported by this endpoint (unreadable answer)")
    if isinstance(error, NoCredentialsError):
        return ReadFailed("denied", "no AWS credentials were found")
    if isinstance(error, (EndpointConnectionError, BotoConnectionError)):
        return ReadFailed("error", f"could not reach the endpoint for {action}", transient=True)
    return ReadFailed("error", f"{action} failed: {error}", transient=True)
