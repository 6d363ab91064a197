// Listed only in the manifest's content_scripts entry for known policy URLs
// (X, Meta, Google, ...): marks the page as a policy, so content.js analyses
// it without the check that pages matched by URL words alone must pass.
(() => {
  'use strict';
  (globalThis.fineprint ??= {}).knownPolicyPage = true;
})();
