import { css } from 'lit';

export const trainerStyles = css`
  :host {
    display: block;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-bottom: 0.5rem;
  }
  .problems {
    color: #a00;
    margin: 0.25rem 0;
  }
  .problems:empty {
    display: none;
  }
  .views {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
    align-items: flex-start;
    margin: 0.5rem 0;
  }
  [hidden] {
    display: none;
  }
`;
