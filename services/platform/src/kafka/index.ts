export { parseEvent } from '@shopwatch/contracts';
