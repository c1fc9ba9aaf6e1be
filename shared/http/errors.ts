/** HTTP callers share the use cases' one error vocabulary. */
export { toErrorAnswer, type ErrorAnswer } from '../app/error-answer';
