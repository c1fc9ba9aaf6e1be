export * from './common';
export * from './activity';
export * from './athlete';
export * from './stats';
export * from './health';
export * from './errors';
export * from './precision';
