import { describe, expect, it } from 'vitest';
import { toElements } from './elements';
import { seedLikeTopology } from './fixture';
import { findNodes } from './search';

describe('findNodes', () => {
  const els = toElements(seedLikeTopology());
  it('ranks the exact name first and matches every word against id and label', () => {
    expect(findNodes(els, 'ratings')[0]).toBe('svc:cluster1-admin@cluster1:default:ratings');
    expect(findNodes(els, 'cluster2 ratings v1')).toEqual(['wl:cluster2-admin@cluster2:default:ratings:v1']);
    expect(findNodes(els, '172.40.143.182')).toEqual(['gw:cluster1-admin@cluster1:istio-system:istio-eastwestgateway']);
  });
  it('finds nothing for an empty or unknown query', () => {
    expect(findNodes(els, '  ')).toEqual([]);
    expect(findNodes(els, 'no-such-thing')).toEqual([]);
  });
});
