import { walkFeatures } from './features.js';
import type { FeatureSink } from './features.js';
import type { FeatureSettings } from './schema.js';

/*
 * Prediction looks features up by a 64-bit hash of their text (two independent 32-bit hashes) instead of by
 * string: building and hashing a few hundred character n-gram strings per text made prediction about three
 * times slower. A collision between two of ~10⁵ vocabulary entries is about a one-in-a-billion event.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MURMUR_SEED = 0x9747b28c;
const MURMUR_M = 0x5bd1e995;
const PIPE = 0x7c; // '|'
const C = 0x63; // 'c'
const COLON = 0x3a; // ':'
const EMPTY = -1;

function fnv(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

function murmur(hash: number, code: number): number {
  const mixed = Math.imul(hash ^ code, MURMUR_M);
  return mixed ^ (mixed >>> 13);
}

/** A feature's key: its two 32-bit hashes. */
export interface FeatureKey {
  a: number;
  b: number;
}

/** The key of a feature string; equal to what the hashing walk produces for the same feature. */
export function featureKey(feature: string): FeatureKey {
  let a = FNV_OFFSET;
  let b = MURMUR_SEED;
  for (let i = 0; i < feature.length; i += 1) {
    const code = feature.charCodeAt(i);
    a = fnv(a, code);
    b = murmur(b, code);
  }
  return { a, b };
}

/**
 * Keys of every feature of a text, repeats included (the caller de-duplicates what it finds), as a flat list
 * of hash pairs: feature i is (keys[2i], keys[2i + 1]).
 */
export function featureKeys(text: string, settings: FeatureSettings): number[] {
  const keys: number[] = [];
  const sink: FeatureSink = {
    word(token) {
      let a = FNV_OFFSET;
      let b = MURMUR_SEED;
      for (let i = 0; i < token.length; i += 1) {
        const code = token.charCodeAt(i);
        a = fnv(a, code);
        b = murmur(b, code);
      }
      keys.push(a, b);
    },
    bigram(first, second) {
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
      keys.push(a, b);
    },
    charGram(padded, start, end) {
      let a = fnv(fnv(FNV_OFFSET, C), COLON);
      let b = murmur(murmur(MURMUR_SEED, C), COLON);
      for (let i = start; i < end; i += 1) {
        const code = padded.charCodeAt(i);
        a = fnv(a, code);
        b = murmur(b, code);
      }
      keys.push(a, b);
    },
  };
  walkFeatures(text, settings, sink);
  return keys;
}

/**
 * An open-addressing table from feature key to a small non-negative integer. Both hashes and the value sit side
 * by side (slots[3i … 3i + 2]) so a lookup usually costs one cache miss: prediction is bound by memory latency.
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

/** The slot holding (a, b), or the empty slot where it would go. */
function slotOf(table: KeyTable, a: number, b: number): number {
  const { slots, mask } = table;
  let slot = b & mask;
  for (;;) {
    const at = slot * 3;
    if ((slots[at + 2] ?? EMPTY) === EMPTY || (slots[at] === a && slots[at + 1] === b)) {
      return at;
    }
    slot = (slot + 1) & mask;
  }
}

/** Stores `value` (≥ 0) under the key unless it is already present; returns whether it was stored. */
export function setKey(table: KeyTable, key: FeatureKey, value: number): boolean {
  const at = slotOf(table, key.a | 0, key.b | 0);
  if ((table.slots[at + 2] ?? EMPTY) !== EMPTY) {
    return false;
  }
  table.slots[at] = key.a;
  table.slots[at + 1] = key.b;
  table.slots[at + 2] = value;
  return true;
}

/** The value stored under the key (a, b), or −1. */
export function getKey(table: KeyTable, a: number, b: number): number {
  return table.slots[slotOf(table, a | 0, b | 0) + 2] ?? EMPTY;
}
