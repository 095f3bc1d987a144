"""What the gateway holds open while it runs, opened and closed by the app's lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from gateway.auth import Authenticator, DevIssuer
from gateway.events import EventPublisher, make_producer
from gateway.settings import Settings
from sinks.blob_store import BlobStore, LocalBlobStore
from sinks.read_model import ReadModel
from topics.admin import ensure_topics
from topics.codec import codec_from_settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    read_model: ReadModel
    publisher: EventPublisher
    blob_store: BlobStore
    authenticator: Authenticator


def make_lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            read_model = ReadModel(settings.database_url.get_secret_value())
            await read_model.open()  # runs the migrations first
            stack.push_async_callback(read_model.close)
            await ensure_topics(settings.kafka_bootstrap, settings.topic_prefix)
            codec = codec_from_settings(settings.schema_registry_url)
            await asyncio.to_thread(codec.warm_up)
            producer = make_producer(settings.kafka_bootstrap)
            await producer.start()
            stack.push_async_callback(producer.stop)
            app.state.services = Services(
                settings=settings,
                read_model=read_model,
                publisher=EventPublisher(producer, settings.topic_prefix, codec),
                blob_store=LocalBlobStore(settings.blob_root),
                authenticator=DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience),
            )
            yield

    return lifespan
