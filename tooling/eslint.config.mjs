// Effect's own lint and format rules (effect-ts/effect eslint.config.mjs): the
// @effect/dprint rule is the formatter, with Effect's settings.
import effect from "@effect/eslint-plugin"
import sortDestructureKeys from "eslint-plugin-sort-destructure-keys"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/docs/**",
      "**/results/**",
      "tooling/node_modules/**",
      "packages/*/[A-Z]*/**"
    ]
  },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.mjs"],
    extends: [tseslint.configs.recommended],
    plugins: { "@effect": effect, "sort-destructure-keys": sortDestructureKeys },
    rules: {
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }],
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect", "@effect/platform"] }],
      "object-shorthand": "error",
      "no-duplicate-imports": ["error", { allowSeparateTypeImports: true }],
      "no-restricted-syntax": ["error", {
        selector: "CallExpression[callee.property.name='push'] > SpreadElement.arguments",
        message: "Do not use spread arguments in Array.push"
      }],
      "sort-destructure-keys/sort-destructure-keys": "error",
      "@typescript-eslint/array-type": ["warn", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/ban-ts-comment": "off",
      "@typescript-eslint/no-unsafe-function-type": "off"
    }
  },
  {
    // The core is shared by the Effect 3 and Effect 4 editions: it imports neither.
    files: ["packages/core/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{
          group: ["effect", "effect/*", "@effect/*"],
          message: "@effect-plex/core imports no Effect: it is shared by both editions"
        }]
      }]
    }
  },
  {
    // Tests, examples and benchmarks may import barrels, as in Effect's own repository.
    files: ["**/test/**", "examples/**", "packages/bench/**"],
    rules: { "@effect/no-import-from-barrel-package": "off" }
  }
)
