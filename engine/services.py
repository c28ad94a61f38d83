"""What reachbot knows of the AWS services reached through interface endpoints, for their policy gate.

Per service prefix: whether the service has resource-based policies the snapshot does not collect (a KMS key
policy, a Secrets Manager secret's policy, the trust policy of the role sts:AssumeRole assumes, an ECR
repository policy), and the actions whose resource is "*" (Service Authorization Reference: no resource type).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServiceAuth:
    prefix: str
    resource_policies: bool  # requests may be granted or refused by a resource policy not in the snapshot
    star_actions: frozenset[str] = frozenset()  # lowercased actions whose resource is "*"


SERVICES: dict[str, ServiceAuth] = {s.prefix: s for s in (
    ServiceAuth("ssm", False, frozenset({"ssm:describeparameters"})),
    ServiceAuth("ssmmessages", False, frozenset({"ssmmessages:createcontrolchannel"})),
    ServiceAuth("ec2messages", False, frozenset({"ec2messages:getmessages"})),
    ServiceAuth("logs", False),
    ServiceAuth("ecr", True, frozenset({"ecr:getauthorizationtoken"})),
    ServiceAuth("sts", True, frozenset({"sts:getcalleridentity"})),
    ServiceAuth("kms", True),
    ServiceAuth("secretsmanager", True, frozenset({"secretsmanager:getrandompassword"})),
)}


def service_of_host(host: str) -> str:
    """The service prefix of an AWS host name: ``ssm.eu-west-1.amazonaws.com`` → ssm,
    ``api.ecr.eu-west-1.amazonaws.com`` → ecr."""
    labels = host.lower().split(".")
    return labels[1] if labels[0] == "api" and len(labels) > 1 else labels[0]


def has_resource_policy(auth: ServiceAuth, action: str) -> bool:
    return auth.resource_policies and action.lower() not in auth.star_actions
