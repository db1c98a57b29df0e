/**
 * Example GraphQL Code Generator config for a front end on Pacer: TypeScript types for the
 * schema and for your operations, with Pacer's custom scalars mapped to what they really
 * are on the wire. Pacer does not run this (no Node in its CI); copy it into your front-end
 * project, point `schema` at Pacer's committed schema.graphql (or at a running server's
 * /graphql with introspection on) and `documents` at your own operations.
 *
 *   npm i -D @graphql-codegen/cli @graphql-codegen/typescript @graphql-codegen/typescript-operations
 *   npx graphql-codegen --config codegen.ts
 *
 * Operations must be named (`query TargetTree(...) { ... }`): codegen refuses anonymous
 * ones once a document holds more than one.
 *
 * The scalars, as each one's description in schema.graphql says:
 * - BigInt: a signed 64-bit integer sent as a JSON number. Every money amount is a BigInt of
 *   minor units (fen: 1 yuan = 100 fen); ratio targets are basis points. Responses are
 *   numbers; inputs accept a number or a decimal string. JavaScript numbers are exact up to
 *   2^53 - 1 (about 90 trillion yuan in fen). Format money as `amount / 100`.
 * - Date: `YYYY-MM-DD`, a calendar day without a zone (days count in the company's zone).
 * - DateTime: RFC 3339 with an offset, e.g. `2026-03-05T01:30:00+00:00` (always UTC in
 *   responses); `new Date(value)` reads it correctly.
 * - JSON: any JSON value, sent as itself (an object, not a string). Its shape depends on the
 *   field (see the field's description), hence `unknown` here: narrow it where you read it.
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["src/**/*.graphql", "src/**/*.{ts,tsx}"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/pacer.ts": {
      plugins: ["typescript", "typescript-operations"],
      config: {
        // Fail on a custom scalar missing below rather than typing it `any`.
        strictScalars: true,
        scalars: {
          BigInt: { input: "number | string", output: "number" },
          Date: { input: "string", output: "string" },
          DateTime: { input: "string", output: "string" },
          JSON: { input: "unknown", output: "unknown" },
        },
        // Pacer's enums are string values; union types keep the bundle free of enum objects.
        enumsAsTypes: true,
        // The schema's descriptions (with the enums' zh-CN / English labels) become JSDoc
        // comments on the generated types: leave `disableDescriptions` off.
        useTypeImports: true,
      },
    },
  },
};

export default config;
