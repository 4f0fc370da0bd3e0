import { describeEngineContract } from './engine-contract.js';

describeEngineContract('dynalite', { everyAdapter: true });
