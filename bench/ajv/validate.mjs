// The ajv 8 baseline of `spp-harness validate`: one node process, the contract's
// TicketResource compiled once with allErrors and ajv-formats (full mode), then every
// *.json file of a folder read and validated. Exit 1 when any document is invalid.
//   node validate.mjs CONTRACT.json DIR
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(process.env.SPP_AJV_PREFIX + "/node_modules/");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [contractPath, dir] = process.argv.slice(2);
const contract = JSON.parse(readFileSync(contractPath, "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
// The OpenAPI document as one schema resource, so #/components/schemas/... resolve.
ajv.addSchema({ $id: "contract.json", components: contract.components });
const validate = ajv.getSchema("contract.json#/components/schemas/TicketResource");
let invalid = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
  const doc = JSON.parse(readFileSync(join(dir, name), "utf8"));
  if (!validate(doc)) invalid++;
}
process.exit(invalid ? 1 : 0);
