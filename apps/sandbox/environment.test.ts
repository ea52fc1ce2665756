import { environmentSuite } from "@sse-kms/blueprint-catalog";

environmentSuite(__dirname);
