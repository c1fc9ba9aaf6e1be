export * from './types';
export * from './oauth';
export * from './faults';
export * from './rate-windows';
export * from './consent';
export * from './simulator';
export * from './control-input';
