/** The one error of the checkpoint tools: what does not fit, named (keys, shapes, dtypes, files). */
export class AnalysisError extends Error {
  override readonly name = 'AnalysisError';
}
