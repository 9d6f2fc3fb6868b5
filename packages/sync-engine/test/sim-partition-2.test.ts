/** The partition property with retry-only recovery (reliability F1, F4, section 4), part 2 of 2 (see support/sim-properties.ts). */
import { partitionProperty } from "./support/sim-properties.js";

partitionProperty("sim-partition-2.test.ts", 1);
