import { pendingFactory } from '../pending';
import { COROS_DESCRIPTOR } from './descriptor';

export const corosProvider = pendingFactory(COROS_DESCRIPTOR);
