"""What the gateway holds open while it runs, opened and closed by the app's lifespan."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.auth import Authenticator, DevIssuer
from gateway.db.erasure import ErasureQueries
from gateway.db.stuck_interviews import StuckInterviewQueries
from gateway.db.uploads import UploadQueries
from gateway.db.user_settings import UserContacts
from gateway.deletion import Eraser
from gateway.events import EventPublisher, make_producer
from gateway.firebase_auth import FirebaseAuthenticator, FirebaseEmulatorAuthenticator
from gateway.live.feed import READY_TIMEOUT_SECONDS, LiveFeed
from gateway.live.hub import LiveHub
from gateway.retention import sweep_periodically as sweep_recordings_periodically
from gateway.settings import Settings
from gateway.stuck import sweep_periodically as sweep_stuck_periodically
from gateway.token_memory import RememberedTokens
from gateway.tus.storage.factory import open_stores
from gateway.tus.storage.store import TusStore
from gateway.tus.sweeper import sweep_periodically
from sinks.blobs.store import BlobStore
from sinks.read_model import ReadModel
from topics.admin import ensure_topics
from topics.codec import AvroCodec, codec_from_settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    read_model: ReadModel
    publisher: EventPublisher
    blob_store: BlobStore
    #: Stages tus uploads where ``blob_store`` keeps the recordings (the two come from open_stores).
    tus_store: TusStore
    authenticator: Authenticator
    eraser: Eraser
    #: The sockets of ``/ws`` on this replica, fed by its own reader of every event.
    live: LiveHub
    #: Records the address in a user's token, where the worker emails their notifications.
    contacts: UserContacts


def make_authenticator(settings: Settings, http: httpx.AsyncClient) -> RememberedTokens:
    return RememberedTokens(_token_checker(settings, http))


def _token_checker(settings: Settings, http: httpx.AsyncClient) -> Authenticator:
    # Settings already refuse the dev issuer in production; this only follows them.
    if settings.auth_mode == "firebase":
        assert settings.firebase_project_id is not None  # checked by Settings
        if settings.firebase_auth_emulator_host:
            return FirebaseEmulatorAuthenticator(settings.firebase_project_id)
        return FirebaseAuthenticator(settings.firebase_project_id, settings.firebase_certs_url, http)
    return DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)


def make_eraser(
    read_model: ReadModel, publisher: EventPublisher, blob_store: BlobStore, tus_store: TusStore
) -> Eraser:
    return Eraser(
        erasure=ErasureQueries(read_model),
        publisher=publisher,
        blob_store=blob_store,
        uploads=UploadQueries(read_model),
        tus_store=tus_store,
    )


def start_sweeper(
    settings: Settings, read_model: ReadModel, tus_store: TusStore, stack: AsyncExitStack
) -> None:
    """Expired tus uploads swept in the background; cancelled (and awaited) at shutdown."""
    uploads = UploadQueries(read_model)
    run_in_background(
        sweep_periodically(uploads, tus_store, read_model, settings.upload_sweep_seconds),
        "tus-upload-sweeper",
        stack,
    )


def start_retention_sweeper(settings: Settings, eraser: Eraser, stack: AsyncExitStack) -> None:
    """Recordings past their retention deleted in the background; cancelled at shutdown."""
    run_in_background(
        sweep_recordings_periodically(
            eraser.erasure, eraser.blob_store, settings.retention_days, settings.retention_sweep_seconds
        ),
        "recording-retention-sweeper",
        stack,
    )


def start_stuck_sweeper(
    settings: Settings,
    read_model: ReadModel,
    publisher: EventPublisher,
    blob_store: BlobStore,
    stack: AsyncExitStack,
) -> None:
    """Stuck interviews' ``interview.uploaded`` re-emitted in the background; cancelled at shutdown."""
    run_in_background(
        sweep_stuck_periodically(
            StuckInterviewQueries(read_model),
            publisher,
            blob_store,
            settings.stuck_bound,
            settings.stuck_max_reemits,
            settings.stuck_sweep_seconds,
        ),
        "stuck-interview-sweeper",
        stack,
    )


async def start_live_feed(settings: Settings, codec: AvroCodec, stack: AsyncExitStack) -> LiveHub:
    """This replica's reader of every state change and notification, ready before requests come."""
    hub = LiveHub()
    feed = LiveFeed(
        settings.kafka_bootstrap, settings.topic_prefix, codec, hub, settings.kafka_client_options()
    )
    run_in_background(feed.run_forever(), "live-feed", stack)
    await asyncio.wait_for(feed.ready.wait(), READY_TIMEOUT_SECONDS)
    return hub


#: How long a background task is given to end after a cancellation before it gets another.
STOP_RETRY_SECONDS = 0.5


def run_in_background(work: Coroutine[Any, Any, None], name: str, stack: AsyncExitStack) -> None:
    task = asyncio.create_task(work, name=name)

    async def stop() -> None:
        # Awaited so the read model's pool is not closed under a sweep still running; wait()
        # neither raises the task's CancelledError nor swallows a cancellation of our own.
        # Cancelled again until it ends: Python 3.11's asyncio.wait_for (psycopg_pool waits with it)
        # can swallow a cancellation that races with its result, and the sweep then goes on to
        # sleep for its whole interval (seen as a gateway shutdown hanging for an hour).
        while not task.done():
            task.cancel()
            await asyncio.wait([task], timeout=STOP_RETRY_SECONDS)

    stack.push_async_callback(stop)


def make_lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            read_model = ReadModel(settings.database_url.get_secret_value())
            await read_model.open()  # runs the migrations first
            stack.push_async_callback(read_model.close)
            await ensure_topics(
                settings.kafka_bootstrap,
                settings.topic_prefix,
                replication_factor=settings.kafka_replication_factor,
                client_options=settings.kafka_client_options(),
            )
            codec = codec_from_settings(settings.schema_registry_url)
            await asyncio.to_thread(codec.warm_up)
            producer = make_producer(settings.kafka_bootstrap, settings.kafka_client_options())
            await producer.start()
            stack.push_async_callback(producer.stop)
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=10))
            blob_store, tus_store = await open_stores(settings, stack)
            publisher = EventPublisher(producer, settings.topic_prefix, codec)
            eraser = make_eraser(read_model, publisher, blob_store, tus_store)
            live = await start_live_feed(settings, codec, stack)
            app.state.services = Services(
                settings=settings,
                read_model=read_model,
                publisher=publisher,
                blob_store=blob_store,
                tus_store=tus_store,
                authenticator=make_authenticator(settings, http),
                eraser=eraser,
                live=live,
                contacts=UserContacts(read_model),
            )
            start_sweeper(settings, read_model, tus_store, stack)
            start_retention_sweeper(settings, eraser, stack)
            start_stuck_sweeper(settings, read_model, publisher, blob_store, stack)
            # What starting made (modules, the app, its clients) lives as long as the process:
            # frozen, it is left out of the collector's full passes, which otherwise walk its
            # ~180,000 objects for ~90 ms, a pause that every request in flight waits out.
            gc.freeze()
            yield

    return lifespan
