"""A KafkaUser's simple authorization turned into Kafka's ACL bindings, as Strimzi does."""

from __future__ import annotations

from dev.k8s import kafka_users
from dev.k8s.kafka_acls import AclBinding, user_bindings


def test_each_operation_on_each_resource_is_one_binding_for_the_users_principal() -> None:
    acls = {
        ("topic", "interview.uploaded", "literal"): {"Write", "Describe"},
        ("topic", "interview-buddy-", "prefix"): {"Create"},
        ("cluster", "kafka-cluster", "literal"): {"Describe"},
    }
    bindings = user_bindings(kafka_users.kafka_user("gateway", acls))
    assert sorted(bindings, key=repr) == sorted(
        [
            AclBinding("User:gateway", "topic", "interview.uploaded", "literal", "Write"),
            AclBinding("User:gateway", "topic", "interview.uploaded", "literal", "Describe"),
            AclBinding("User:gateway", "topic", "interview-buddy-", "prefix", "Create"),
            AclBinding("User:gateway", "cluster", "kafka-cluster", "literal", "Describe"),
        ],
        key=repr,
    )


def test_every_generated_rule_has_a_wire_code() -> None:
    for name, acls in kafka_users.all_users().items():
        for binding in user_bindings(kafka_users.kafka_user(name, acls)):
            binding.request()  # a KeyError names a type, pattern or operation Kafka lacks here
