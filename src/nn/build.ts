/**
 * buildModule(spec): a module from DESIGN.md's architecture JSON, whose `type` and keyword names are
 * torch.nn's own (`{"type": "Linear", "in_features": 2, "out_features": 16}`); Sequential lists its
 * children under `layers`. examples/pytorch/ builds the same nn.Module in Python from the same JSON.
 * Each layer is read by its registry entry (layer-types/), as shape inference reads it, so both refuse the
 * same specs in the same words; unknown types and keywords throw, as torch's constructors do.
 */
import type { InitOptions } from './init.ts';
import { readLayer } from './layer-types/index.ts';
import { Sequential } from './layers/sequential.ts';
import type { Module } from './module.ts';
import { type ModuleSpec, asSpec, sequentialLayers } from './spec-keywords.ts';

export type { ModuleSpec };

export function buildModule(spec: ModuleSpec, opts: InitOptions = {}): Module {
  const layer = asSpec(spec);
  if (layer.type === 'Sequential')
    return new Sequential(...sequentialLayers(layer).map((s) => buildModule(s as ModuleSpec, opts)));
  return readLayer(layer).build(opts);
}
