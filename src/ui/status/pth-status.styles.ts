import { css } from 'lit';

export const statusStyles = css`
  p {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .diverged {
    color: #a00;
  }
`;
