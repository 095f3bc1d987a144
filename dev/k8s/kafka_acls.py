"""The ACLs of ``strimzi/users.yaml`` as Kafka's own ACL bindings, and applied to a broker with
the admin client: what Strimzi's user operator does with a ``KafkaUser``, done by a test to a
broker of its own (tests/e2e/test_kafka_acls.py), so the generated rules meet Kafka's real
authorizer and the real apps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest

#: Kafka's wire codes (org.apache.kafka.common.resource.ResourceType, PatternType, AclOperation).
RESOURCE_TYPES = {"topic": 2, "group": 3, "cluster": 4, "transactionalId": 5}
PATTERN_TYPES = {"literal": 3, "prefix": 4}
OPERATIONS = {
    "All": 2,
    "Read": 3,
    "Write": 4,
    "Create": 5,
    "Delete": 6,
    "Alter": 7,
    "Describe": 8,
    "ClusterAction": 9,
    "DescribeConfigs": 10,
    "AlterConfigs": 11,
    "IdempotentWrite": 12,
}
ALLOW = 3
CLUSTER_RESOURCE = "kafka-cluster"


class AclRefused(RuntimeError):
    """The broker did not take an ACL binding."""


@dataclass(frozen=True)
class AclBinding:
    principal: str
    resource_type: str
    resource_name: str
    pattern_type: str
    operation: str
    host: str = "*"

    def request(self) -> CreateAclsRequest:
        return CreateAclsRequest(
            resource_type=RESOURCE_TYPES[self.resource_type],
            resource_name=self.resource_name,
            resource_pattern_type_filter=PATTERN_TYPES[self.pattern_type],
            principal=self.principal,
            host=self.host,
            operation=OPERATIONS[self.operation],
            permission_type=ALLOW,
        )


def user_bindings(user: Mapping[str, Any]) -> list[AclBinding]:
    """One allow binding per resource and operation of a ``KafkaUser``'s simple authorization,
    for the principal ``User:<name>`` that its SCRAM credentials sign in as."""
    principal = f"User:{user['metadata']['name']}"
    bindings = []
    for rule in user["spec"]["authorization"]["acls"]:
        resource = rule["resource"]
        kind = resource["type"]
        name = CLUSTER_RESOURCE if kind == "cluster" else resource["name"]
        pattern = "literal" if kind == "cluster" else resource.get("patternType", "literal")
        for operation in rule["operations"]:
            bindings.append(AclBinding(principal, kind, name, pattern, operation, rule.get("host", "*")))
    return bindings


async def create_acls(admin: AIOKafkaAdminClient, bindings: Iterable[AclBinding]) -> int:
    """Create every binding (one request each); return how many. Raises :class:`AclRefused`."""
    created = 0
    for binding in bindings:
        # aiokafka's admin client has no create_acls: its request, sent as its other calls are.
        response = await admin._send_request(binding.request())
        for error_code, error_message in response.creation_responses:
            if error_code != 0:
                raise AclRefused(f"{binding}: error {error_code} {error_message}")
        created += 1
    return created
