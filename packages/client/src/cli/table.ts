/** Rows as aligned columns, each cell made printable and cut to its column's width. */
export function table(columns: { title: string; width: number }[], rows: string[][]): string {
  const cell = (raw: string, width: number) => {
    const text = printable(raw);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  };
  const line = (cells: string[]) => cells.map((text, i) => cell(text, columns[i]!.width)).join("  ").trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)].join("\n") + "\n";
}

/**
 * Text safe to write to a terminal: control characters (a NUL, an escape sequence) and the
 * invisible direction overrides are shown as `\uXXXX` instead of acting on the terminal.
 */
export const printable = (text: string) =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
