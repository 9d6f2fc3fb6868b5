/** The delivery-order property (reliability F5-F7, section 4), part 1 of 2 (see support/sim-properties.ts). */
import { deliveryProperty } from "./support/sim-properties.js";

deliveryProperty("sim-delivery-1.test.ts", 0);
