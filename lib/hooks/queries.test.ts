import { describe, expect, it } from 'vitest';
import type { ClusterMesh, MeshResponse } from '@/lib/types/api';
import { combineMeshAnswers } from './queries';

const answer = (cluster: string, generatedAt: string): MeshResponse => ({ clusters: [{ cluster } as ClusterMesh], generatedAt });
const pending = { data: undefined, error: null, isPending: true };

describe('combineMeshAnswers', () => {
  it('is empty until a cluster answers, every cluster pending', () => {
    expect(combineMeshAnswers(['a', 'b'], [pending, pending])).toEqual({ data: undefined, pending: ['a', 'b'], failed: [] });
  });

  it('shows the clusters that answered, in the order asked, at the latest answer time', () => {
    const r = combineMeshAnswers(
      ['a', 'b', 'c'],
      [
        { data: answer('a', '2026-11-27T10:00:02.000Z'), error: null, isPending: false },
        pending,
        { data: answer('c', '2026-11-27T10:00:05.000Z'), error: null, isPending: false },
      ],
    );
    expect(r.data?.clusters.map((c) => c.cluster)).toEqual(['a', 'c']);
    expect(r.data?.generatedAt).toBe('2026-11-27T10:00:05.000Z');
    expect(r.pending).toEqual(['b']);
  });

  it('names a cluster whose request failed', () => {
    const r = combineMeshAnswers(['a', 'b'], [{ data: answer('a', '2026-11-27T10:00:00.000Z'), error: null, isPending: false }, { data: undefined, error: new Error('500 boom'), isPending: false }]);
    expect(r.pending).toEqual([]);
    expect(r.failed).toEqual([{ cluster: 'b', message: '500 boom' }]);
  });
});
