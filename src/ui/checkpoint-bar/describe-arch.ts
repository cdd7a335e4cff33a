/**
 * One line for an architecture spec, close to torch's own repr without the defaults a spec leaves out:
 * "Sequential of 3: Linear(2, 32), Tanh, Linear(32, 3)". Sizes come first, positionally as torch's
 * constructors take them; every other keyword as name=value.
 */
import type { ModuleSpec } from '../../nn/index.ts';
import { layerType } from '../../nn/layer-types/index.ts';

/** Keywords torch's constructors take positionally, in their order (its registry entry says which). */
function positional(type: string): string[] {
  const keywords = Object.entries(layerType(type)?.keywords ?? {});
  return keywords.filter(([, k]) => k.positional).map(([name]) => name);
}

export function describeArchitecture(spec: ModuleSpec): string {
  const layers = sequentialLayers(spec);
  if (layers === undefined) return describeLayer(spec);
  return `Sequential of ${layers.length}: ${layers.map(describeLayer).join(', ')}`;
}

function describeLayer(spec: ModuleSpec): string {
  const layers = sequentialLayers(spec);
  if (layers !== undefined) return `Sequential(${layers.map(describeLayer).join(', ')})`;
  const sizes = positional(spec.type);
  const args = [
    ...sizes.filter((k) => k in spec).map((k) => value(spec[k])),
    ...Object.keys(spec)
      .filter((k) => k !== 'type' && !sizes.includes(k))
      .map((k) => `${k}=${value(spec[k])}`),
  ];
  return args.length === 0 ? spec.type : `${spec.type}(${args.join(', ')})`;
}

function sequentialLayers(spec: ModuleSpec): ModuleSpec[] | undefined {
  return spec.type === 'Sequential' && Array.isArray(spec['layers'])
    ? (spec['layers'] as ModuleSpec[])
    : undefined;
}

/** Python's spelling of a keyword's value: (3, 3), True, None, 'zeros'. */
function value(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(value).join(', ')})`;
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
