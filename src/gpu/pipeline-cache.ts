/** Compute pipelines cached by (shader source, entry point, override constants); modules cached by source. */

export interface PipelineKey {
  /** WGSL source text. */
  code: string;
  entryPoint: string;
  constants?: Readonly<Record<string, number>>;
  label?: string;
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {}

  get(key: PipelineKey): GPUComputePipeline {
    const constants = key.constants ?? {};
    const constantsKey = Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',');
    const cacheKey = `${key.entryPoint}|${constantsKey}|${key.code}`;
    let pipeline = this.pipelines.get(cacheKey);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline({
        label: key.label ?? key.entryPoint,
        layout: 'auto',
        compute: { module: this.module(key.code, key.label), entryPoint: key.entryPoint, constants },
      });
      this.pipelines.set(cacheKey, pipeline);
    }
    return pipeline;
  }

  private module(code: string, label: string | undefined): GPUShaderModule {
    let module = this.modules.get(code);
    if (!module) {
      module = this.device.createShaderModule({ code, ...(label ? { label } : {}) });
      this.modules.set(code, module);
    }
    return module;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
