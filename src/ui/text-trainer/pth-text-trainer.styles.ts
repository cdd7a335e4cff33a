/** `<pth-text-trainer>`'s layout: the controls in a row, the views side by side where the element is wide. */
import { css } from 'lit';

export const textTrainerStyles = css`
  .controls {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
    align-items: center;
  }
  :host {
    display: block;
    container-type: inline-size;
  }
  .drop {
    border: 2px dashed transparent;
  }
  .views {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.4rem 1rem;
    align-items: start;
  }
  /* Side by side where there is room: the chart, the text and its attention, the network. */
  @container (min-width: 640px) {
    .views {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    }
    .network {
      grid-column: 1 / -1;
    }
  }
  @container (min-width: 1000px) {
    .views {
      grid-template-columns: minmax(0, 0.9fr) minmax(0, 1fr) minmax(0, 1.15fr);
    }
    .network {
      grid-column: auto;
    }
  }
  .view {
    min-width: 0;
  }
  h3 {
    font-size: 14px;
    margin: 0.3rem 0 0.2rem;
  }
  button.train {
    font-size: 1.05rem;
    font-weight: 600;
    padding: 0.45rem 1.1rem;
    border-radius: 999px;
    background: #2a5bd7;
    border: 1px solid #1d44a8;
    color: #fff;
  }
  button.train.running {
    background: #fff;
    color: #1d44a8;
  }
  button.train:disabled {
    opacity: 0.6;
  }
  .drop.over {
    border-color: #36c;
  }
`;
