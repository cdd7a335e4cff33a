/**
 * The ONE schema for every kernel's uniform params struct. A schema gives the byte layout (WGSL uniform
 * address-space rules) used to write the struct, and the WGSL declaration each shader must contain verbatim
 * (test/gpu/params.test.ts checks every shader against its schema).
 *
 * Layout rules (WGSL spec, "Alignment and Size", uniform address space):
 *   u32, i32, f32: align 4, size 4;  vec2: align 8, size 8;  vec4: align 16, size 16;
 *   array<vec4<T>, N>: align 16, stride 16;  the struct's size rounds up to 16 (its uniform alignment).
 * vec3 and scalar arrays are left out on purpose: their padding is where layouts go wrong.
 */

export type ScalarType = 'u32' | 'i32' | 'f32';
export type FieldType =
  ScalarType | `vec2<${ScalarType}>` | `vec4<${ScalarType}>` | `array<vec4<${ScalarType}>, ${number}>`;

export interface FieldLayout {
  name: string;
  type: FieldType;
  scalar: ScalarType;
  offset: number;
  /** Number of scalars the field holds. */
  count: number;
}

/** A value for a field: a number for a scalar, an array of numbers for a vector or array (zero-padded). */
export type ParamValue = number | readonly number[];

export class ParamsSchema<F extends Record<string, FieldType>> {
  readonly fields: readonly FieldLayout[];
  readonly byteSize: number;

  constructor(
    readonly structName: string,
    spec: F,
  ) {
    const fields: FieldLayout[] = [];
    let offset = 0;
    for (const [name, type] of Object.entries(spec)) {
      const { align, size, scalar, count } = fieldShape(type);
      offset = roundUp(offset, align);
      fields.push({ name, type, scalar, offset, count });
      offset += size;
    }
    this.fields = fields;
    this.byteSize = Math.max(16, roundUp(offset, 16));
  }

  /** Writes values into a new buffer of byteSize bytes; every field must be given. */
  pack(values: { readonly [K in keyof F]: ParamValue }): ArrayBuffer {
    const bytes = new ArrayBuffer(this.byteSize);
    const view = new DataView(bytes);
    for (const field of this.fields) {
      const value = values[field.name as keyof F];
      if (value === undefined) throw new Error(`${this.structName}: missing field ${field.name}`);
      const list: readonly number[] = typeof value === 'number' ? [value] : (value as readonly number[]);
      if (list.length > field.count) {
        throw new RangeError(
          `${this.structName}.${field.name}: ${list.length} values for ${field.count} slots`,
        );
      }
      list.forEach((v, i) =>
        writeScalar(view, field.offset + 4 * i, field.scalar, v, `${this.structName}.${field.name}`),
      );
    }
    return bytes;
  }

  /** The WGSL declaration, one field per line. */
  wgsl(): string {
    const lines = this.fields.map((f) => `  ${f.name}: ${f.type},`);
    return `struct ${this.structName} {\n${lines.join('\n')}\n}`;
  }
}

export function defineParams<F extends Record<string, FieldType>>(
  structName: string,
  spec: F,
): ParamsSchema<F> {
  return new ParamsSchema(structName, spec);
}

function fieldShape(type: FieldType): { align: number; size: number; scalar: ScalarType; count: number } {
  const array = /^array<vec4<(u32|i32|f32)>, (\d+)>$/.exec(type);
  if (array) {
    const n = Number(array[2]);
    return { align: 16, size: 16 * n, scalar: array[1] as ScalarType, count: 4 * n };
  }
  const vec = /^vec([24])<(u32|i32|f32)>$/.exec(type);
  if (vec) {
    const n = Number(vec[1]);
    return { align: 4 * n, size: 4 * n, scalar: vec[2] as ScalarType, count: n };
  }
  if (type === 'u32' || type === 'i32' || type === 'f32')
    return { align: 4, size: 4, scalar: type, count: 1 };
  throw new Error(`params: unsupported field type ${type}`);
}

function writeScalar(view: DataView, offset: number, type: ScalarType, v: number, name: string): void {
  if (type === 'f32') {
    view.setFloat32(offset, v, true);
    return;
  }
  if (!Number.isInteger(v)) throw new RangeError(`${name}: ${v} is not an integer`);
  if (type === 'u32') {
    if (v < 0 || v > 0xffffffff) throw new RangeError(`${name}: ${v} does not fit in u32`);
    view.setUint32(offset, v, true);
  } else {
    if (v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`${name}: ${v} does not fit in i32`);
    view.setInt32(offset, v, true);
  }
}

function roundUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
