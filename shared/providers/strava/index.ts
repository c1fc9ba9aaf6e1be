export { STRAVA_DESCRIPTOR } from './descriptor';
export { StravaProvider } from './client';
