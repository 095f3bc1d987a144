// The app's one connection to the gateway's /ws: signed in with the token as the first message,
// kept alive with pings, opened again with backoff after a drop, closed for good on sign-out.
import type { Schemas } from "../api/client";

export type LiveMessage =
  | Schemas["ReadyMessage"]
  | Schemas["InterviewStateMessage"]
  | Schemas["NotificationMessage"]
  | Schemas["PongMessage"];

/** open: signed in and receiving; reconnecting: it dropped, trying again at once; down: the
 * gateway did not answer the last attempt, trying again with backoff. */
export type LiveState = "connecting" | "open" | "reconnecting" | "down";

export interface LiveHandlers {
  token(): string | null;
  onState(state: LiveState): void;
  /** Signed in again after a gap: whatever came meanwhile was missed. */
  onReady(): void;
  onMessage(message: LiveMessage): void;
  /** The token was refused (4401): the session has ended. */
  onRefused(reason: string): void;
}

const UNAUTHENTICATED = 4401;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;

export function liveUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/ws`;
}

export class LiveSocket {
  private socket: WebSocket | null = null;
  private failures = 0;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  private pongTimer: number | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly handlers: LiveHandlers,
  ) {}

  open(): void {
    window.addEventListener("online", this.reconnectNow);
    this.connect();
  }

  close(): void {
    this.stopped = true;
    window.removeEventListener("online", this.reconnectNow);
    this.clearTimers();
    this.socket?.close(1000, "Signed out");
    this.socket = null;
  }

  private readonly reconnectNow = () => {
    if (this.stopped || this.socket?.readyState === WebSocket.OPEN) return;
    window.clearTimeout(this.retryTimer);
    this.connect();
  };

  private connect(): void {
    const token = this.handlers.token();
    if (token === null || this.stopped) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let ready = false;
    socket.onopen = () => socket.send(JSON.stringify({ type: "auth", token }));
    socket.onmessage = (event) => {
      const message = parse(event.data);
      if (message === null) return;
      if (message.type === "ready") {
        ready = true;
        this.failures = 0;
        this.handlers.onState("open");
        this.handlers.onReady();
        this.schedulePing(socket);
      } else if (message.type === "pong") {
        window.clearTimeout(this.pongTimer);
      } else {
        this.handlers.onMessage(message);
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      if (event.code === UNAUTHENTICATED) {
        this.stopped = true;
        this.handlers.onRefused(event.reason || "Your session has ended: sign in again.");
        return;
      }
      this.dropped(ready);
    };
  }

  /** The socket is gone (closed, or silent): try again, at once after a working connection. */
  private dropped(wasReady: boolean): void {
    this.clearTimers();
    this.socket = null;
    this.handlers.onState(wasReady ? "reconnecting" : "down");
    const delay = wasReady ? 0 : (BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 0);
    this.failures += wasReady ? 0 : 1;
    this.retryTimer = window.setTimeout(() => this.connect(), delay * (0.8 + 0.4 * Math.random()));
  }

  private schedulePing(socket: WebSocket): void {
    this.pingTimer = window.setInterval(() => {
      socket.send(JSON.stringify({ type: "ping" }));
      // No pong in time: the connection is dead without having said so (a network gone away).
      this.pongTimer = window.setTimeout(() => {
        if (this.socket !== socket) return;
        socket.close(4000, "No answer to ping");
        this.dropped(true);
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  private clearTimers(): void {
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    window.clearTimeout(this.pongTimer);
  }
}

function parse(data: unknown): LiveMessage | null {
  if (typeof data !== "string") return null;
  try {
    const message: unknown = JSON.parse(data);
    if (typeof message === "object" && message !== null && "type" in message) return message as LiveMessage;
  } catch {
    // Not JSON: the gateway never sends that; nothing to show.
  }
  return null;
}
