import { isRecord, pickSeconds, pickString, unwrapData } from './json-shape';

describe('json-shape', () => {
  it('isRecord is true for plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect([null, [], 'x', 1, undefined].map(isRecord)).toEqual([false, false, false, false, false]);
  });

  it('pickString takes the first non-empty string', () => {
    expect(pickString({ a: '', b: 7, c: 'yes', d: 'later' }, 'a', 'b', 'c', 'd')).toBe('yes');
    expect(pickString({ a: '' }, 'a', 'missing')).toBeUndefined();
  });

  it('pickSeconds takes the first positive finite number or numeric string', () => {
    expect(pickSeconds({ a: 0, b: -1, c: 'x', d: '90' }, 'a', 'b', 'c', 'd')).toBe(90);
    expect(pickSeconds({ a: Infinity, b: NaN, c: ' ', d: null }, 'a', 'b', 'c', 'd')).toBeUndefined();
  });

  it('unwrapData unwraps an object data member only', () => {
    expect(unwrapData({ data: { token: 't' } })).toEqual({ token: 't' });
    const flat = { data: 'text', token: 't' };
    expect(unwrapData(flat)).toBe(flat);
  });
});
