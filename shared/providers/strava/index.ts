import { pendingFactory } from '../pending';
import { STRAVA_DESCRIPTOR } from './descriptor';

export const stravaProvider = pendingFactory(STRAVA_DESCRIPTOR);
