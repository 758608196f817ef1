import fc from 'fast-check';
import { pageInMemory, pageOf, pageOffset } from './pagination';

describe('pages of a list', () => {
  it('cuts a list bounded by nature into pages that together are the list, in order, each at most pageSize', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (all, pageSize) => {
        const pages = Math.max(1, Math.ceil(all.length / pageSize));
        const read: number[] = [];
        for (let page = 1; page <= pages + 1; page++) {
          const p = pageInMemory(all, { page, pageSize });
          expect(p).toMatchObject({ page, pageSize, total: all.length });
          expect(p.items.length).toBeLessThanOrEqual(pageSize);
          if (page > pages) expect(p.items).toEqual([]);
          read.push(...p.items);
        }
        expect(read).toEqual(all);
      }),
    );
  });

  it('answers the second page of three rows at two a page as the third row, of three', () => {
    expect(pageInMemory(['a', 'b', 'c'], { page: 2, pageSize: 2 })).toEqual({ items: ['c'], page: 2, pageSize: 2, total: 3 });
    expect(pageOffset({ page: 3, pageSize: 50 })).toBe(100);
    expect(pageOf(['x'], 7, { page: 7, pageSize: 1 })).toEqual({ items: ['x'], page: 7, pageSize: 1, total: 7 });
  });
});
