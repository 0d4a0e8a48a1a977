/**
 * Progress of long work: a bar redrawn in place on a terminal (count, bytes, rate), plain lines
 * otherwise, so logs and pipes get something readable.
 */
export interface ProgressReporter {
  /** One item finished (or failed), with its bytes. */
  item(line: string, bytes?: number): void;
  /** Bytes moving within the current item. */
  bytes(sent: number): void;
  done(): void;
}

export function progressReporter(out: NodeJS.WritableStream & { isTTY?: boolean }, label: string, total: number): ProgressReporter {
  const started = Date.now();
  let count = 0;
  let finishedBytes = 0;
  let current = 0;
  const draw = () => {
    if (!out.isTTY) return;
    const bytes = finishedBytes + current;
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const width = 20;
    const filled = total > 0 ? Math.round((count / total) * width) : 0;
    out.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${count}/${total} ${megabytes(bytes)} ${megabytes(bytes / seconds)}/s\x1b[K`);
  };
  return {
    item(line, bytes = 0) {
      count++;
      finishedBytes += bytes;
      current = 0;
      if (out.isTTY) out.write(`\r\x1b[K${line}\n`);
      else out.write(`${label} ${count}/${total}: ${line}\n`);
      draw();
    },
    bytes(sent) {
      current = sent;
      draw();
    },
    done() {
      if (out.isTTY) out.write("\n");
    },
  };
}

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
