"""How many bytes each partition takes on each broker's disks: Kafka's DescribeLogDirs request
(API key 35, version 1, which every broker from 1.0 to 4.x answers), which aiokafka's admin
client does not offer, sent through its connection to each broker."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import Array, Boolean, Int16, Int32, Int64, Schema, String


class DescribeLogDirsResponse_v1(Response):
    API_KEY = 35
    API_VERSION = 1
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "log_dirs",
            Array(
                ("error_code", Int16),
                ("log_dir", String("utf-8")),
                (
                    "topics",
                    Array(
                        ("name", String("utf-8")),
                        (
                            "partitions",
                            Array(
                                ("partition_index", Int32),
                                ("partition_size", Int64),
                                ("offset_lag", Int64),
                                ("is_future_key", Boolean),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )


class DescribeLogDirsRequest_v1(RequestStruct):
    API_KEY = 35
    API_VERSION = 1
    RESPONSE_TYPE = DescribeLogDirsResponse_v1
    SCHEMA = Schema(("topics", Array(("topic", String("utf-8")), ("partitions", Array(Int32)))))


class DescribeLogDirsRequest(Request[DescribeLogDirsRequest_v1]):
    API_KEY = 35

    def __init__(self, topics: dict[str, list[int]]) -> None:
        self._topics = [(name, partitions) for name, partitions in topics.items()]

    def build(self, request_struct_class: type[DescribeLogDirsRequest_v1]) -> DescribeLogDirsRequest_v1:
        return request_struct_class(self._topics)


async def partition_bytes(admin: AIOKafkaAdminClient, topics: dict[str, list[int]]) -> dict[str, int]:
    """Bytes on disk of each topic, over every broker and replica (what retention frees)."""
    sizes = dict.fromkeys(topics, 0)
    request = DescribeLogDirsRequest(topics)
    for broker in admin._client.cluster.brokers():
        response = await admin._send_request_to_node(broker.nodeId, request)
        for _error, _directory, found in response.log_dirs:
            for name, partitions in found:
                for _index, size, _lag, is_future in partitions:
                    if name in sizes and not is_future:
                        sizes[name] += size
    return sizes
