/**
 * A uPlot chart inside a component's shadow root, kept as wide as its container: the lifecycle every
 * chart element shares (create in `firstUpdated`, follow the container's width, destroy on disconnect).
 */
import uPlot from 'uplot';

export interface MountedPlot {
  readonly plot: uPlot;
  /** Stops following the container and frees the chart. */
  dispose(): void;
}

/** Draws in `target` (480 px wide until it has a width of its own), then follows its width. */
export function mountPlot(
  target: HTMLElement,
  options: (width: number) => uPlot.Options,
  data: uPlot.AlignedData,
  height: number,
): MountedPlot {
  const plot = new uPlot(options(target.clientWidth || 480), data, target);
  const resizer = new ResizeObserver(() => {
    const width = target.clientWidth;
    if (width > 0 && Math.abs(width - plot.width) > 1) plot.setSize({ width, height });
  });
  resizer.observe(target);
  return {
    plot,
    dispose: () => {
      resizer.disconnect();
      plot.destroy();
    },
  };
}
