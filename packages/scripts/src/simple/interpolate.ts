/** `${NAME}` interpolation lives in the model, so the server checks a test as the agents read it. */
export { type Interpolated, interpolate } from '@dlt/model';
