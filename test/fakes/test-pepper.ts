/** A fixed pepper for tests (the real ones come from Secrets Manager or `<dataDir>/pepper`). */
import { Pepper } from '../../shared/privacy/pepper.js';

export const TEST_PEPPER = Pepper.parse('test-pepper-0123456789abcdef0123456789abcdef', 'TEST_PEPPER');
