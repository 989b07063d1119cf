export { FakePbxDriver, type FakePbxOptions } from './fake-driver.js';
export { ManualClock, realClock, type FakeClock } from './fake-clock.js';
