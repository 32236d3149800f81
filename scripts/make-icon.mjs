#!/usr/bin/env node
// Draws images/icon.png (128x128 RGBA): an amber shield on a dark rounded square, with a white
// "fork" (one process splitting in two) on it. Pure Node (zlib for the PNG), no dependency.
// Usage: node scripts/make-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUPERSAMPLE = 4; // samples per axis per pixel, for smooth edges

const BACKGROUND = [30, 41, 59];
const SHIELD = [245, 158, 11];
const GLYPH = [255, 255, 255];

function insideRoundedSquare(x, y) {
  const radius = 24;
  const dx = Math.max(radius - x, 0, x - (SIZE - radius));
  const dy = Math.max(radius - y, 0, y - (SIZE - radius));
  return dx * dx + dy * dy <= radius * radius;
}

function insideShield(x, y) {
  const half = 34;
  if (y < 18 || y > 112) return false;
  if (y <= 62) return Math.abs(x - 64) <= half;
  const t = (y - 62) / 50; // elliptic taper down to the point
  return Math.abs(x - 64) <= half * Math.sqrt(1 - t * t);
}

function distanceToSegment(x, y, [ax, ay], [bx, by]) {
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - (ax + t * vx), y - (ay + t * vy));
}

const trunk = [[64, 96], [64, 70]];
const branches = [[[64, 70], [46, 44]], [[64, 70], [82, 44]]];
const nodes = [[64, 96], [46, 42], [82, 42]];

function insideGlyph(x, y) {
  const stroke = 4.5;
  if (distanceToSegment(x, y, ...trunk) <= stroke) return true;
  if (branches.some((segment) => distanceToSegment(x, y, ...segment) <= stroke)) return true;
  return nodes.some(([cx, cy]) => Math.hypot(x - cx, y - cy) <= 8);
}

/** Colour and coverage of one sample point. */
function sample(x, y) {
  if (!insideRoundedSquare(x, y)) return null;
  if (insideShield(x, y)) return insideGlyph(x, y) ? GLYPH : SHIELD;
  return BACKGROUND;
}

function render() {
  const rows = [];
  for (let py = 0; py < SIZE; py++) {
    const row = Buffer.alloc(1 + SIZE * 4); // leading 0: PNG filter type "none"
    for (let px = 0; px < SIZE; px++) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const colour = sample(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE);
          if (!colour) continue;
          covered++;
          for (let c = 0; c < 3; c++) sum[c] += colour[c];
        }
      }
      const offset = 1 + px * 4;
      for (let c = 0; c < 3; c++) row[offset + c] = covered ? Math.round(sum[c] / covered) : 0;
      row[offset + 3] = Math.round((255 * covered) / (SUPERSAMPLE * SUPERSAMPLE));
    }
    rows.push(row);
  }
  return Buffer.concat(rows);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, encodePng(render()));
console.log(`wrote ${target}`);
