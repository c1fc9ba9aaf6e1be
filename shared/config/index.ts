export * from './raw';
export * from './app-config';
export * from './provider-config';
export * from './return-targets';
