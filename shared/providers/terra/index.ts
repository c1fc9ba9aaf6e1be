import { pendingFactory } from '../pending';
import { TERRA_DESCRIPTOR } from './descriptor';

export const terraProvider = pendingFactory(TERRA_DESCRIPTOR);
