import { css } from 'lit';

export const modelEditorStyles = css`
  :host {
    display: block;
    container-type: inline-size;
  }
  table {
    width: 100%;
  }
  td {
    vertical-align: middle;
  }
  td.type,
  td.shape {
    font-family: ui-monospace, monospace;
  }
  /* Type and sizes read as text, left to right; shapes and counts stay right-aligned numbers. */
  td.type,
  td.sizes,
  th:nth-child(2),
  th:nth-child(3) {
    text-align: left;
  }
  td.sizes label {
    display: inline-flex;
    gap: 0.25rem;
    align-items: center;
    margin-right: 0.6rem;
    font-size: 13px;
    color: var(--pth-muted, #555);
  }
  td.sizes input {
    width: 4.5rem;
    font: inherit;
    color: var(--pth-color, #1b1b1f);
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: #a00;
    outline-color: #a00;
  }
  .derived {
    margin-right: 0.6rem;
    font-size: 13px;
    color: var(--pth-muted, #555);
  }
  td.buttons {
    white-space: nowrap;
  }
  td.buttons button {
    padding: 0.15rem 0.45rem;
  }
  tr.failed td {
    background: #fff3f3;
  }
  .problem-row td,
  .problem {
    color: #a00;
    text-align: left;
    font-family: ui-monospace, monospace;
    font-size: 13px;
    white-space: pre-wrap;
  }
  .hint {
    color: var(--pth-muted, #555);
    font-family: system-ui, sans-serif;
  }
  .add,
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    margin: 0.6rem 0;
  }
  .json-label {
    display: block;
    font-weight: 600;
    margin-top: 0.6rem;
  }
  textarea {
    box-sizing: border-box;
    width: 100%;
    font:
      13px/1.35 ui-monospace,
      monospace;
  }
  .why {
    color: var(--pth-muted, #555);
  }

  /*
   * Narrow (a phone): one card per layer, no sideways scrolling. The roles in the markup keep the table's
   * semantics for screen readers while the rows are laid out as blocks.
   */
  @container (max-width: 600px) {
    table,
    caption,
    tbody,
    tr,
    td {
      display: block;
    }
    caption {
      text-align: left;
    }
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    tbody tr[data-row] {
      display: grid;
      grid-template-columns: auto 1fr auto;
      gap: 0.3rem 0.6rem;
      align-items: center;
      margin: 0 0 0.5rem;
      padding: 0.5rem 0.6rem;
      border: 1px solid #ccd;
      border-radius: 8px;
    }
    tbody td {
      padding: 0;
      border: none;
      text-align: left;
    }
    td.index {
      color: var(--pth-muted, #555);
    }
    td.type {
      font-weight: 600;
    }
    td.sizes {
      grid-column: 1 / -1;
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem 0.6rem;
    }
    td.sizes label,
    .derived {
      margin: 0;
    }
    td.shape,
    td.params {
      grid-column: span 1;
    }
    td.shape::before,
    td.params::before {
      content: attr(data-label) ' ';
      font-family: system-ui, sans-serif;
      font-size: 13px;
      color: var(--pth-muted, #555);
    }
    td.shape {
      grid-column: 1 / 3;
    }
    td.buttons {
      grid-column: 3;
      grid-row: 1;
      white-space: normal;
    }
  }
`;
