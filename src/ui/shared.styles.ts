/** Styles every pthlab component shares: host font, visible keyboard focus, text for screen readers only. */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    display: block;
    font:
      14px/1.4 system-ui,
      sans-serif;
    color: var(--pth-color, #1b1b1f);
  }
  :host([hidden]) {
    display: none;
  }
  :focus-visible {
    outline: 2px solid var(--pth-focus, #2a5bd7);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  details > summary {
    cursor: pointer;
    color: var(--pth-muted, #555);
  }
  table {
    border-collapse: collapse;
  }
  caption {
    text-align: left;
    font-weight: 600;
    padding-bottom: 0.3rem;
  }
  th,
  td {
    padding: 0.1rem 0.5rem;
    text-align: right;
    font-variant-numeric: tabular-nums;
    border-bottom: 1px solid #e3e3e8;
  }
  th:first-child,
  td:first-child {
    text-align: left;
  }
  button {
    font: inherit;
    padding: 0.3rem 0.7rem;
    border: 1px solid #99a;
    border-radius: 6px;
    background: #f6f6fa;
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
    opacity: 0.5;
  }
`;

/** 0.123456 -> "0.1235"; keeps small and large losses readable. */
export function formatNumber(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export function formatPercent(share: number | undefined | null): string {
  if (share === undefined || share === null || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(1)}%`;
}
