/*
 * Prediction finds features by a 64-bit hash of their text (two independent 32-bit hashes) in an open-addressing
 * table, and hashes word pairs without building their strings. A collision between two of ~10⁵ vocabulary
 * entries is about a one-in-a-billion event.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MURMUR_SEED = 0x9747b28c;
const MURMUR_M = 0x5bd1e995;
const PIPE = 0x7c; // '|', see pairFeature
const EMPTY = -1;

/** A feature's key: its two 32-bit hashes. */
export interface FeatureKey {
  a: number;
  b: number;
}

function fnv(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

function murmur(hash: number, code: number): number {
  const mixed = Math.imul(hash ^ code, MURMUR_M);
  return mixed ^ (mixed >>> 13);
}

/** The key of a feature string. */
export function featureKey(feature: string): FeatureKey {
  let a = FNV_OFFSET;
  let b = MURMUR_SEED;
  for (let i = 0; i < feature.length; i += 1) {
    const code = feature.charCodeAt(i);
    a = fnv(a, code);
    b = murmur(b, code);
  }
  return { a: a | 0, b: b | 0 };
}

/** The key of pairFeature(first, second), without building that string. */
export function pairKey(first: string, second: string): FeatureKey {
  let a = FNV_OFFSET;
  let b = MURMUR_SEED;
  for (let i = 0; i < first.length; i += 1) {
    const code = first.charCodeAt(i);
    a = fnv(a, code);
    b = murmur(b, code);
  }
  a = fnv(a, PIPE);
  b = murmur(b, PIPE);
  for (let i = 0; i < second.length; i += 1) {
    const code = second.charCodeAt(i);
    a = fnv(a, code);
    b = murmur(b, code);
  }
  return { a: a | 0, b: b | 0 };
}

/**
 * An open-addressing table from feature key to a small non-negative integer. Both hashes and the value sit side
 * by side (slots[3i … 3i + 2]) so a lookup usually costs one cache miss.
 */
export interface KeyTable {
  mask: number;
  slots: Int32Array;
}

export function createKeyTable(entries: number): KeyTable {
  let size = 16;
  while (size < entries * 2) {
    size *= 2;
  }
  return { mask: size - 1, slots: new Int32Array(size * 3).fill(EMPTY) };
}

/** The offset of the slot holding the key, or of the empty slot where it would go. */
function slotOf(table: KeyTable, key: FeatureKey): number {
  const { slots, mask } = table;
  let slot = key.b & mask;
  for (;;) {
    const at = slot * 3;
    if ((slots[at + 2] ?? EMPTY) === EMPTY || (slots[at] === key.a && slots[at + 1] === key.b)) {
      return at;
    }
    slot = (slot + 1) & mask;
  }
}

/** Stores `value` (≥ 0) under the key unless it is already present; returns whether it was stored. */
export function setKey(table: KeyTable, key: FeatureKey, value: number): boolean {
  const at = slotOf(table, key);
  if ((table.slots[at + 2] ?? EMPTY) !== EMPTY) {
    return false;
  }
  table.slots[at] = key.a;
  table.slots[at + 1] = key.b;
  table.slots[at + 2] = value;
  return true;
}

/** The value stored under the key, or −1. */
export function getKey(table: KeyTable, key: FeatureKey): number {
  return table.slots[slotOf(table, key) + 2] ?? EMPTY;
}
