import { ApiError } from "../api/client";

/** What went wrong, in words: the gateway's message, or that it cannot be reached. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) {
    return "The server cannot be reached right now. Check your connection; this page tries again.";
  }
  return error instanceof Error ? error.message : "Something went wrong: try again.";
}

export function ErrorNote({ error }: { error: unknown }) {
  return (
    <p role="alert" className="error">
      {describeError(error)}
    </p>
  );
}
