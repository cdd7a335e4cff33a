import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export const lossLineStyles = [
  unsafeCSS(uplotCss),
  css`
    figure {
      margin: 0;
    }
    .plot {
      min-height: 220px;
    }
    figcaption {
      margin-top: 0.3rem;
      font-variant-numeric: tabular-nums;
    }
    tr.current td {
      font-weight: 600;
    }
  `,
];
