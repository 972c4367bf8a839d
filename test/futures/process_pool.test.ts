import { ProcessPoolExecutor } from 'weft/futures';
import { executorConformance } from './conformance.js';

executorConformance(
  'ProcessPoolExecutor',
  ({ workers }) => new ProcessPoolExecutor({ maxWorkers: workers }),
);
