// Whether a page whose URL merely looks like a policy's ("/privacy",
// "/terms", ...) is one: checked on the blocks already extracted, before
// anything is sent to the background. It is cheap (a few regular
// expressions over at most the first MAX_CHARS of visible text) and strict:
// a news article about privacy, a settings page or a search for "terms"
// must fail it, so that the rest of the web gets nothing. Known policy URLs
// (the manifest's first content_scripts entry) and the popup's button skip it.
(() => {
  'use strict';
  const fineprint = (globalThis.fineprint ??= {});
  if (fineprint.looksLikePolicy) return; // Injected before: keep the first copy.

  // The title or a top heading names the kind of document.
  const DOCUMENT_WORDS =
    /\b(privacy|terms|conditions|polic(y|ies)|agreement|legal|notice|cookies?|data protection|eula|gdpr|datenschutz\w*|privacidad|confidentialit[eé]|voorwaarden|privacybeleid|nutzungsbedingungen|t[ée]rminos|condizioni|condi[çc][õo]es)\b/i;
  // A policy is long; a settings page or a cookie banner is not.
  const MIN_CHARS = 2500;
  const MAX_CHARS = 200_000;
  // A policy speaks of itself ("this Privacy Policy", "these Terms") and
  // talks in the first and second person about what "we" do with data and
  // what "you" agree to. An article about a policy reports it in the third
  // person and quotes it a few times at most.
  const SELF_REFERENCE =
    /\b(this|these|our) (global |online |european |regional )?(privacy |cookie |data |user |developer |services? )?(policy|policies|notice|statement|terms|agreement|conditions)\b/gi;
  // Or by its defined name, capitalised: "the Developer Terms", "These
  // Reddit Developer Terms", "this Privacy Notice".
  const DEFINED_NAME =
    /\b([Tt]he|[Tt]his|[Tt]hese|[Oo]ur) (?:[A-Z][\w’'.-]* ){0,3}(Policy|Policies|Notice|Statement|Terms|Agreement|Conditions)\b/g;
  const FIRST_PERSON =
    /\bwe (may|will|also|might|do not|don['’]t|never|only|collect|use|share|process|disclose|retain|store|keep|receive|transfer|sell|provide|reserve|rely)\b/gi;
  const SECOND_PERSON =
    /\byou (agree|acknowledge|consent|may|must|can|have the right|understand|represent|grant|are responsible)\b/gi;
  const VOCABULARY =
    /\b(personal (data|information)|third[- ]part(y|ies)|opt[- ]out|data controller|governing law|liabilit(y|ies)|indemnif\w+|arbitration|retention|retain|legal bas[ie]s|legitimate interests?|cookies|disclos\w+|terminat\w+|licen[cs]e)\b/gi;
  // Per 1,000 characters: the X privacy policy scores about 9, terms of
  // service about 5; articles about privacy stay under 1.
  const MIN_SCORE_PER_1000_CHARS = 1.5;
  const MIN_SELF_REFERENCES = 2;
  const MIN_VOCABULARY_TERMS = 4;

  const count = (pattern, text) => text.match(pattern)?.length ?? 0;

  // blocks: from extractBlocks. Returns {policy: boolean, why: string}.
  fineprint.looksLikePolicy = (title, blocks) => {
    const headings = blocks.filter((block) => block.kind === 'heading' && block.level <= 2).slice(0, 3);
    const names = [title, ...headings.map((block) => block.text)].join('\n');
    if (!DOCUMENT_WORDS.test(names)) return { policy: false, why: 'no title or heading names a policy' };
    let text = '';
    for (const block of blocks) {
      if (block.navigation) continue;
      text += `${block.text}\n`;
      if (text.length >= MAX_CHARS) break;
    }
    if (text.length < MIN_CHARS) return { policy: false, why: `too short (${text.length} characters)` };
    const selfReferences = Math.max(count(SELF_REFERENCE, text), count(DEFINED_NAME, text));
    if (selfReferences < MIN_SELF_REFERENCES) return { policy: false, why: `${selfReferences} self-references` };
    const terms = new Set((text.match(VOCABULARY) ?? []).map((term) => term.toLowerCase().slice(0, 8)));
    if (terms.size < MIN_VOCABULARY_TERMS) return { policy: false, why: `${terms.size} policy terms` };
    const score = count(FIRST_PERSON, text) + count(SECOND_PERSON, text) + 2 * selfReferences;
    const perThousand = (1000 * score) / text.length;
    if (perThousand < MIN_SCORE_PER_1000_CHARS) {
      return { policy: false, why: `policy language ${perThousand.toFixed(2)} per 1000 characters` };
    }
    return { policy: true, why: `policy language ${perThousand.toFixed(2)} per 1000 characters` };
  };
})();
