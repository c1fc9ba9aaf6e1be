import { pendingFactory } from '../pending';
import { FITBIT_DESCRIPTOR } from './descriptor';

export const fitbitProvider = pendingFactory(FITBIT_DESCRIPTOR);
