// eslint for the JavaScript of kg's pages (kg/templates/*.js), run by make test.
// The pages run in a browser, opened from disk: browser globals, no modules.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["kg/templates/*.js"],
    languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: { ...globals.browser } },
    rules: { eqeqeq: "error", "no-var": "off", strict: ["error", "function"] },
  },
];
