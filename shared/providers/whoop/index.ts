import { pendingFactory } from '../pending';
import { WHOOP_DESCRIPTOR } from './descriptor';

export const whoopProvider = pendingFactory(WHOOP_DESCRIPTOR);
