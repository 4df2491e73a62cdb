// JavaScript lint (make quality): the browser scripts of pepites/web/static, served as they
// are (no build step), most of them ES modules; the map workers run apart.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["pepites/**/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser, L: "readonly" },
    },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "smart"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["pepites/**/static/**/*worker*.js"],
    languageOptions: { globals: { ...globals.worker } },
  },
];
