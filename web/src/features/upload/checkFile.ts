// What the gateway accepts (it judges again by the file's first bytes, and refuses past 2 GB):
// checked here first so that nothing is sent that would be refused.
export const MAX_BYTES = 2 * 1024 ** 3;
export const ACCEPTED_EXTENSIONS = ["mp4", "mov", "webm", "m4a", "wav"] as const;
export const ACCEPT_ATTRIBUTE = ".mp4,.mov,.webm,.m4a,.wav,video/mp4,video/quicktime,video/webm,audio/mp4,audio/x-m4a,audio/wav,audio/x-wav";

/** Why the file cannot be uploaded, in words, or null when it can. */
export function problemWith(file: File): string | null {
  const extension = file.name.includes(".") ? (file.name.split(".").pop() ?? "").toLowerCase() : "";
  if (!(ACCEPTED_EXTENSIONS as readonly string[]).includes(extension)) {
    return `“${file.name}” is not a recording we can read. Choose an MP4, MOV, WebM, M4A or WAV file.`;
  }
  if (file.size === 0) return `“${file.name}” is empty. Choose the recording itself.`;
  if (file.size > MAX_BYTES) {
    return `“${file.name}” is ${formatBytes(file.size)}, larger than the 2 GB an upload may be. Trim or compress it first.`;
  }
  return null;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "—";
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes} min ${whole % 60} s` : `${whole} s`;
}
