"""A consumer group's committed offsets and members on the real broker, for the tests that
watch the worker's group (rebalances, deleted offsets)."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import Array, Int16, Int32, Schema, String

from dev.polling import wait_until_async


class OffsetDeleteResponse_v0(Response):
    API_KEY = 47
    API_VERSION = 0
    SCHEMA = Schema(
        ("error_code", Int16),
        ("throttle_time_ms", Int32),
        (
            "topics",
            Array(
                ("name", String("utf-8")), ("partitions", Array(("partition", Int32), ("error_code", Int16)))
            ),
        ),
    )


class OffsetDeleteRequest_v0(RequestStruct):
    API_KEY = 47
    API_VERSION = 0
    RESPONSE_TYPE = OffsetDeleteResponse_v0
    SCHEMA = Schema(
        ("group_id", String("utf-8")),
        ("topics", Array(("name", String("utf-8")), ("partitions", Array(Int32)))),
    )


class OffsetDeleteRequest(Request[OffsetDeleteRequest_v0]):
    """KIP-496's OffsetDelete, what ``kafka-consumer-groups --delete-offsets`` sends (aiokafka's
    admin client has no call for it)."""

    API_KEY = 47

    def __init__(self, group_id: str, topics: list[tuple[str, list[int]]]) -> None:
        self._group_id = group_id
        self._topics = topics

    def build(self, request_struct_class: type[OffsetDeleteRequest_v0]) -> OffsetDeleteRequest_v0:
        return request_struct_class(self._group_id, self._topics)


async def delete_group_offsets(bootstrap: str, group_id: str, topics: dict[str, int]) -> None:
    """Delete the committed offsets of an empty consumer group on ``topics`` (name → partition count)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        coordinator = await admin.find_coordinator(group_id)
        request = OffsetDeleteRequest(
            group_id, [(name, list(range(count))) for name, count in topics.items()]
        )
        response = await admin._send_request(request, coordinator)
        errors = [
            (name, partition, code)
            for name, partitions in response.topics
            for partition, code in partitions
            if code
        ]
        assert response.error_code == 0 and not errors, (response.error_code, errors)
    finally:
        await admin.close()


async def committed_offsets(bootstrap: str, group_id: str) -> dict[tuple[str, int], int]:
    """The group's committed offsets: (topic, partition) → offset."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group_id)
        return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
    finally:
        await admin.close()


async def group_members(bootstrap: str, group_id: str) -> tuple[str, int]:
    """The group's state (``Stable``, ``PreparingRebalance``, ...) and how many members it has."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([group_id])
        (group,) = response.groups
        # (error_code, group_id, state, protocol_type, protocol, members[, authorized_operations])
        return str(group[2]), len(group[5])
    finally:
        await admin.close()


async def wait_for_group(bootstrap: str, group_id: str, members: int, timeout: float = 120.0) -> None:
    """Until the group is Stable with ``members`` members."""

    async def stable() -> bool:
        try:
            return await group_members(bootstrap, group_id) == ("Stable", members)
        except Exception:  # the coordinator of a brand-new group takes a moment
            return False

    await wait_until_async(stable, timeout, f"group {group_id} Stable with {members} members")
