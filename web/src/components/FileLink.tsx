import type { UseQueryResult } from "@tanstack/react-query";

import { ErrorNote } from "./ErrorNote";

/** A download link to a file fetched with the user's token (see `useFileUrl`): busy while it is
 * fetched, the gateway's reason when it cannot be. */
export function FileLink({
  file,
  filename,
  label,
  description,
  testId,
}: {
  file: UseQueryResult<string>;
  filename: string;
  label: string;
  /** Read after the label by screen readers, e.g. "transcript" after "TXT". */
  description?: string;
  testId: string;
}) {
  if (file.isError) return <ErrorNote error={file.error} />;
  if (file.data === undefined) {
    return (
      <span className="button secondary busy" aria-busy="true">
        {label}
        {description && <span className="visually-hidden"> {description}</span>}
        <span className="visually-hidden"> (preparing)</span>
      </span>
    );
  }
  return (
    <a className="button secondary" data-testid={testId} href={file.data} download={filename}>
      {label}
      {description && <span className="visually-hidden"> {description}</span>}
    </a>
  );
}
