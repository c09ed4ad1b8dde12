"""EC2: DescribeClientVpnEndpoints, which moto 5.2.5 does not implement (it answers 500).

The sandbox has no client VPN endpoints; the read answers an empty list, as AWS does in an account
without any, so that the ``s3`` step's private-connectivity information is complete.
"""

from __future__ import annotations

from ..protocol import ec2_response
from .registry import handles


@handles("ec2", "DescribeClientVpnEndpoints")
def describe_client_vpn_endpoints(call):
    return ec2_response(call.info, "<clientVpnEndpoint/>")
