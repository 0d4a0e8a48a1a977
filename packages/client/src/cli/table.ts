/** Rows as aligned columns, each cell cut to its column's width. */
export function table(columns: { title: string; width: number }[], rows: string[][]): string {
  const cell = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const line = (cells: string[]) => cells.map((text, i) => cell(text, columns[i]!.width)).join("  ").trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)].join("\n") + "\n";
}
