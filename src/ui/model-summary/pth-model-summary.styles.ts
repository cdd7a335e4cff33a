import { css } from 'lit';

export const modelSummaryStyles = css`
  table {
    width: 100%;
  }
  td.layer {
    font-family: ui-monospace, monospace;
    white-space: pre;
  }
  tfoot td,
  tfoot th {
    border-bottom: none;
    font-weight: normal;
  }
  tfoot th {
    text-align: left;
  }
  [role='note'] {
    color: #a00;
  }
`;
