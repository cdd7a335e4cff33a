import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHADER_PARAMS } from '../../src/gpu/kernels/schemas.ts';
import { defineParams } from '../../src/gpu/params.ts';

describe('params schema: WGSL uniform layout to the byte', () => {
  const schema = defineParams('Example', {
    a: 'u32',
    b: 'vec2<f32>',
    c: 'f32',
    d: 'vec4<u32>',
    e: 'array<vec4<i32>, 2>',
    f: 'i32',
  });

  it('places each field at its WGSL offset and rounds the size to 16', () => {
    expect(schema.fields.map((f) => [f.name, f.offset])).toEqual([
      ['a', 0],
      ['b', 8], // vec2 aligns to 8
      ['c', 16],
      ['d', 32], // vec4 aligns to 16
      ['e', 48],
      ['f', 80],
    ]);
    expect(schema.byteSize).toBe(96);
  });

  it('packs exactly these bytes', () => {
    const bytes = new Uint8Array(
      schema.pack({ a: 0x01020304, b: [1.5, -2], c: 0.25, d: [1, 2, 3, 4], e: [-1, 5, 0, 0, 7], f: -2 }),
    );
    const expected = new Uint8Array(96);
    const v = new DataView(expected.buffer);
    v.setUint32(0, 0x01020304, true);
    v.setFloat32(8, 1.5, true);
    v.setFloat32(12, -2, true);
    v.setFloat32(16, 0.25, true);
    [1, 2, 3, 4].forEach((x, i) => v.setUint32(32 + 4 * i, x, true));
    [-1, 5, 0, 0, 7].forEach((x, i) => v.setInt32(48 + 4 * i, x, true));
    v.setInt32(80, -2, true);
    expect([...bytes]).toEqual([...expected]);
    expect(bytes[0]).toBe(0x04); // little-endian
  });

  it('pads a lone scalar struct to 16 bytes', () => {
    expect(defineParams('One', { n: 'u32' }).byteSize).toBe(16);
  });

  it('rejects values that do not fit', () => {
    expect(() => schema.pack({ a: -1, b: [0, 0], c: 0, d: [0], e: [0], f: 0 })).toThrow(/u32/);
    expect(() => schema.pack({ a: 1.5, b: [0, 0], c: 0, d: [0], e: [0], f: 0 })).toThrow(/integer/);
    expect(() => schema.pack({ a: 0, b: [0, 0, 0], c: 0, d: [0], e: [0], f: 0 })).toThrow(/slots/);
  });

  it('writes the WGSL declaration', () => {
    expect(defineParams('P', { n: 'u32', x: 'f32' }).wgsl()).toBe('struct P {\n  n: u32,\n  x: f32,\n}');
  });
});

describe('every shader declares its params struct exactly as its schema', () => {
  const dir = new URL('../../shaders/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.wgsl'));

  it('every shader has its schemas registered', () => {
    expect(files.map((f) => f.replace(/\.wgsl$/, '')).sort()).toEqual(Object.keys(SHADER_PARAMS).sort());
  });

  for (const [shader, schemas] of Object.entries(SHADER_PARAMS)) {
    it(shader, () => {
      const code = readFileSync(new URL(`${shader}.wgsl`, dir), 'utf8');
      const declared = [...code.matchAll(/struct (\w+Params) \{[^}]*\}/g)].map((m) =>
        m[0].replace(/\s+/g, ' '),
      );
      expect(declared.sort()).toEqual(schemas.map((s) => s.wgsl().replace(/\s+/g, ' ')).sort());
    });
  }
});
