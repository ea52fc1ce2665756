import * as catalog from "@sse-kms/blueprint-catalog";
import { environmentSuite } from "@sse-kms/testing/environment";

environmentSuite(__dirname, catalog);
