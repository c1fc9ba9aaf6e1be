import { pendingFactory } from '../pending';
import { GARMIN_DESCRIPTOR } from './descriptor';

export const garminProvider = pendingFactory(GARMIN_DESCRIPTOR);
