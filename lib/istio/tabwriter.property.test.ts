/**
 * Property tests for the tabwriter port (fixed seeds): one line per row, cells in order, at least the
 * padding between cells, and cells aligned down a column block (consecutive rows that both continue
 * past that column), as Go's text/tabwriter aligns them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tabwrite } from './tabwriter';

/** Cells as istioctl prints them: no tab, newline or space; some non-ASCII. Non-empty, so that where a cell starts is unambiguous. */
const cell = fc.stringMatching(/^[a-zA-Z0-9.|:/_\-éü→]{1,14}$/);
const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 40 });

/** Where each cell of a line starts, in code points, given the cells (padding is spaces). */
function cellStarts(line: string, cells: string[]): number[] | null {
  const chars = [...line];
  const starts: number[] = [];
  let pos = 0;
  for (const [i, c] of cells.entries()) {
    if (i > 0) while (chars[pos] === ' ') pos++;
    if (chars.slice(pos, pos + [...c].length).join('') !== c) return null;
    starts.push(pos);
    pos += [...c].length;
  }
  return pos === chars.length ? starts : null;
}

describe('tabwrite', () => {
  it('writes one line per row, each cell in order, padded by at least `padding`', () => {
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 6 }), (input, padding) => {
        const lines = tabwrite(input, { padding }).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(input.length);
        lines.forEach((line, i) => {
          const starts = cellStarts(line, input[i]);
          expect(starts, line).not.toBeNull();
          for (let j = 1; j < input[i].length; j++) expect(starts![j] - starts![j - 1] - [...input[i][j - 1]].length).toBeGreaterThanOrEqual(padding);
        });
      }),
      { seed: 911, numRuns: 3000 },
    );
  });

  it('aligns a column down consecutive rows that both continue past it', () => {
    fc.assert(
      fc.property(rows, (input) => {
        const lines = tabwrite(input).split('\n');
        const starts = lines.slice(0, input.length).map((line, i) => cellStarts(line, input[i])!);
        for (let i = 1; i < input.length; i++) {
          const shared = Math.min(input[i].length, input[i - 1].length);
          for (let j = 1; j < shared; j++) expect(starts[i][j], `row ${i} cell ${j}`).toBe(starts[i - 1][j]);
        }
      }),
      { seed: 912, numRuns: 3000 },
    );
  });

  it('pads empty cells too (an empty SECRET column still takes its padding)', () => {
    expect(tabwrite([['', '', 'x'], ['ab', '', 'y']], { padding: 1 })).toBe('    x\nab  y\n');
  });

  it('handles 10,000 rows of varying width without deep recursion', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, j) => `c${i}-${j}`));
    expect(tabwrite(many).split('\n')).toHaveLength(10_001);
  });
});
