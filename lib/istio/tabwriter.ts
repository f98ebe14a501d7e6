/**
 * A port of Go's text/tabwriter for the configuration istioctl uses
 * (`tabwriter.NewWriter(w, minwidth, 8, padding, ' ', 0)`): every cell but the last of a row is
 * tab-terminated and padded with spaces to its column block's width + padding; the last cell is
 * written as is. Column blocks are runs of consecutive rows that have a cell in that column, exactly
 * as Go computes them, so a row with fewer cells ends the block (no trailing spaces are added).
 */
export interface TabwriteOptions {
  /** Minimal cell width including padding (Go's minwidth). */
  minwidth?: number;
  /** Added to the widest cell of a column (Go's padding). */
  padding?: number;
}

/** Formats rows as Go's tabwriter would; every row ends with "\n". */
export function tabwrite(rows: string[][], { minwidth = 0, padding = 5 }: TabwriteOptions = {}): string {
  const widths: number[] = [];
  const out: string[] = [];

  const runeWidth = (s: string): number => {
    let n = 0;
    for (const _ of s) n++;
    return n;
  };

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const cells = rows[i];
      let text = '';
      cells.forEach((cell, j) => {
        text += cell;
        if (j < widths.length && j < cells.length - 1) text += ' '.repeat(Math.max(0, widths[j] - runeWidth(cell)));
      });
      out.push(text + '\n');
    }
  };

  // Go's (*Writer).format: recursive over column blocks.
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= rows[current].length - 1) continue;
      // A block in this column starts here: print the rows before it with the outer widths.
      writeLines(line0, current);
      line0 = current;
      let width = minwidth;
      for (; current < line1; current++) {
        const cells = rows[current];
        if (column >= cells.length - 1) break;
        width = Math.max(width, runeWidth(cells[column]) + padding);
      }
      widths.push(width);
      format(line0, current);
      widths.pop();
      line0 = current;
    }
    writeLines(line0, line1);
  };

  format(0, rows.length);
  return out.join('');
}
