/** HTTP callers share the use cases' one error vocabulary. */
export { toErrorAnswer } from '../app/error-answer';
