/** A moment of a recording as the analysis writes it (the gateway's `clock`): 7.9 → "0:07",
 * 3725 → "1:02:05", so a moment a recommendation cites reads the same in the transcript. */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** A figure with at most one decimal, or a dash when there is none. */
export function oneDecimal(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : String(Math.round(value * 10) / 10);
}
