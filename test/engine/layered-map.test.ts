/**
 * LayeredMap: the read-only map of findings one analysis returns after another. Every map handed
 * out keeps its entries whatever is laid over it later, and reads like the Map it stands for.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LayeredMap } from '../../server/src/engine/layered-map';

const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');

test('reads like the map of its entries, in the base order, and leaves earlier maps as they were', () => {
  const first = LayeredMap.of(new Map(letters.map((key, i) => [key, i])));
  const second = first.with(new Map([['c', 30]]));
  const third = second.with(new Map([['a', 10], ['c', 300]]));
  const expected = new Map(letters.map((key, i) => [key, key === 'a' ? 10 : key === 'c' ? 300 : i]));
  assert.deepEqual([...third], [...expected]);
  assert.deepEqual([...third.entries()], [...expected.entries()]);
  assert.deepEqual([...third.keys()], letters);
  assert.deepEqual([...third.values()], [...expected.values()]);
  const viaForEach: [string, number][] = [];
  third.forEach((value, key, map) => {
    assert.equal(map, third);
    viaForEach.push([key, value]);
  });
  assert.deepEqual(viaForEach, [...expected]);
  assert.equal(third.size, 26);
  assert.equal(third.get('c'), 300);
  assert.equal(third.get('zz'), undefined);
  assert.equal(third.has('zz'), false);
  assert.equal(second.get('a'), 0, 'an earlier map keeps its values');
  assert.equal(second.get('c'), 30);
  assert.equal(first.get('c'), 2);
  assert.equal(first.with(new Map()), first, 'nothing laid over: the same map');
});

test('flattens once many entries are laid over, with the same content', () => {
  let map = LayeredMap.of(new Map(letters.map((key, i) => [key, i])));
  const earlier = map;
  for (const [i, key] of letters.entries()) {
    map = map.with(new Map([[key, -i]]));
    assert.deepEqual([...map.values()], letters.map((_, j) => (j <= i ? -j : j)));
  }
  assert.deepEqual([...earlier.values()], letters.map((_, j) => j));
});

test('refuses a key it does not have: keys are the base map\'s', () => {
  assert.throws(() => LayeredMap.of(new Map([['a', 1]])).with(new Map([['b', 2]])), /a key the map does not have/);
});
