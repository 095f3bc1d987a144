// An upload cut short because the session ended (its token expired): the file and its
// interview, kept in this tab's memory so that signing in again as the same user resumes it
// (tus-js-client finds where the server stopped by the file's fingerprint) into the same interview.
import { currentUserId } from "../../auth/session";

export interface InterruptedUpload {
  file: File;
  interviewId: string;
  userId: string;
}

let interrupted: InterruptedUpload | null = null;

export function keepInterrupted(file: File, interviewId: string): void {
  const userId = currentUserId();
  if (userId !== null) interrupted = { file, interviewId, userId };
}

/** The upload the signed-in user was making when their session ended, if any. */
export function interruptedUploadOf(userId: string): InterruptedUpload | null {
  return interrupted?.userId === userId ? interrupted : null;
}

export function forgetInterrupted(): void {
  interrupted = null;
}
