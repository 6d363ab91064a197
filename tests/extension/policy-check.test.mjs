// The policy check (content/policy-check.js) that decides whether a page
// whose URL merely looks like a policy's is one: every version of every
// corpus document passes it, and pages about privacy that are not policies
// (news, a how-to, a product page, a cookie banner, an empty page) fail it,
// each at the gate meant to stop it.
//
// The content scripts are classic scripts that attach to globalThis.fineprint;
// policy-check.js needs nothing from the DOM, so it runs here in a vm context
// whose global object stands in for the page's.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, test } from 'node:test';
import { blocksOfMarkdown, corpusRoot, repoRoot } from '../wasm/helpers.mjs';

const corpusPolicies = path.join(corpusRoot, 'policies');

const policyCheckSource = readFileSync(path.join(repoRoot, 'extension/content/policy-check.js'), 'utf8');
function loadPolicyCheck() {
  const context = vm.createContext({});
  vm.runInContext(policyCheckSource, context);
  return context.fineprint.looksLikePolicy;
}
const looksLikePolicy = loadPolicyCheck();
// The length gate, as the check defines it: the tests below sit on either side of it.
const MIN_CHARS = Number(/const MIN_CHARS = ([\d_]+);/.exec(policyCheckSource)[1].replace(/_/g, ''));

const paragraphs = (...texts) => texts.map((text) => ({ kind: 'paragraph', level: 0, text }));
const heading = (text, level = 1) => ({ kind: 'heading', level, text });

describe('every corpus document passes', () => {
  const documents = [];
  for (const service of readdirSync(corpusPolicies, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const type of readdirSync(path.join(corpusPolicies, service.name))) {
      const versions = readdirSync(path.join(corpusPolicies, service.name, type)).filter((file) => file.endsWith('.md'));
      documents.push({ service: service.name, type, versions });
    }
  }

  test('the corpus is all there', () => {
    assert.equal(documents.length, 19);
    assert.ok(documents.every(({ versions }) => versions.length >= 1));
  });

  for (const { service, type, versions } of documents) {
    test(`${service}/${type} (${versions.length} versions)`, (t) => {
      // The page title as sites write it: "Discord privacy policy".
      const title = `${service} ${type}`.replace(/-/g, ' ');
      for (const version of versions) {
        const markdown = readFileSync(path.join(corpusPolicies, service, type, version), 'utf8');
        const verdict = looksLikePolicy(title, blocksOfMarkdown(markdown));
        t.diagnostic(`${version}: ${verdict.why}`);
        assert.deepEqual({ version, policy: verdict.policy }, { version, policy: true }, verdict.why);
        assert.match(verdict.why, /^policy language \d+\.\d\d per 1000 characters$/);
      }
    });
  }
});

// Pages a URL such as /privacy, /terms or /legal also leads to.
const NEWS_ARTICLE = [
  heading('Streaming service changes privacy rules after regulator inquiry'),
  ...paragraphs(
    'A popular music streaming service said on Tuesday that it would change how it handles listener data after ' +
      'a months-long inquiry by the national data protection regulator, which had questioned how long the company ' +
      'kept recordings of voice searches and whether listeners understood what they had agreed to.',
    'The regulator said in a statement that the company had cooperated with the inquiry and that no fine would be ' +
      'imposed for now. It added that it would review the new rules in six months and publish its findings.',
    'Under the revised rules, which take effect next month, voice recordings will be deleted after ninety days ' +
      'instead of being kept indefinitely, and listeners will be able to download a copy of everything the ' +
      'service holds about them from a single page in their account settings.',
    'Privacy advocates welcomed the change but said it did not go far enough. "Ninety days is still a long time ' +
      'for a recording of someone talking in their kitchen," said a researcher at a digital rights group, who ' +
      'has studied the policies of several streaming companies. She noted that the service still shares ' +
      'listening histories with advertising partners unless users opt out.',
    'A spokesperson for the company said that advertising partners receive only aggregated statistics and that ' +
      'the company has never sold the personal information of its listeners. The spokesperson declined to say ' +
      'how many people had used the existing download tool, which was introduced two years ago.',
    'The inquiry began last spring after a newspaper reported that contractors had listened to samples of voice ' +
      'searches to improve the accuracy of the speech recognition system. The company said at the time that the ' +
      'samples were anonymised and that contractors signed strict confidentiality agreements.',
    'Several other companies have faced similar questions. Last year a smart speaker maker agreed to delete ' +
      'millions of recordings after a court in another country found that its consent screens were misleading. ' +
      'Lawyers say regulators are increasingly focused on how long data is kept, not only on how it is collected.',
    'Analysts said the change was unlikely to affect the company’s revenue, which comes mostly from ' +
      'subscriptions. Shares of the company were little changed in afternoon trading. The company is expected ' +
      'to report its quarterly results next week, when executives may be asked about the inquiry.',
    'Listeners who want to review their settings can do so from the privacy section of the mobile app. The ' +
      'company said it would send an email to every account holder explaining the new rules before they take ' +
      'effect, and that the updated privacy policy would be published on its website the same day.',
  ),
];

const HOW_TO_GUIDE = [
  heading('How to check your privacy settings on a new phone'),
  ...paragraphs(
    'A new phone comes with dozens of settings that decide what apps can see and what gets shared. This guide ' +
      'walks through the ones worth checking in the first ten minutes, in the order they appear in the settings ' +
      'app. None of them needs any technical knowledge, and each can be changed again later.',
  ),
  heading('Step 1: location', 2),
  ...paragraphs(
    'Open Settings and tap Location. Look at the list of apps and, for each, pick "While using the app" or ' +
      '"Never". A weather app needs a rough location; a flashlight app needs none. Turn off precise location for ' +
      'any app that only needs to know the city you are in, such as a news or shopping app.',
  ),
  heading('Step 2: tracking and advertising', 2),
  ...paragraphs(
    'Under Privacy, find the advertising section. Switch off personalised ads and reset the advertising ' +
      'identifier; apps then see a new identifier that is not linked to what you did before. On most phones you ' +
      'can also stop apps from asking to track you at all, which saves you a prompt for every new app.',
  ),
  heading('Step 3: microphone and camera', 2),
  ...paragraphs(
    'Check which apps can use the microphone and the camera. Video calling apps need both; a game rarely needs ' +
      'either. Recent phones show a small coloured dot in the corner of the screen while the microphone or the ' +
      'camera is in use, so you can spot an app that uses them when it should not.',
  ),
  heading('Step 4: lock screen', 2),
  ...paragraphs(
    'Decide what shows on the lock screen. Message previews are handy, but anyone who picks up the phone can ' +
      'read them. Set previews to appear only when the phone is unlocked, and hide the contents of notifications ' +
      'from banking and health apps entirely. While you are there, set a six-digit code rather than four digits.',
    'If your phone supports it, turn on the option that erases it after ten failed attempts to enter the code, ' +
      'but only once your backups work: a child playing with the phone could otherwise wipe it by accident.',
  ),
  heading('Step 5: app permissions you forgot', 2),
  ...paragraphs(
    'Scroll through the full list of permissions once: contacts, calendars, photos, Bluetooth and nearby ' +
      'devices, motion and fitness. Each screen lists the apps that asked. Remove access from apps you no longer ' +
      'use, or delete those apps altogether; an app you never open can still run in the background.',
  ),
  heading('Step 6: backups', 2),
  ...paragraphs(
    'Backups are useful, but they copy your photos and messages to a server. Decide which apps should be ' +
      'included and whether you want end-to-end encrypted backups, if your phone offers them. Write down the ' +
      'recovery key somewhere safe: without it, an encrypted backup cannot be restored.',
    'Finally, set a reminder to go through these steps again in a few months. Apps add new permissions with ' +
      'updates, and a setting you turned off may come back after a major system upgrade. It takes five minutes ' +
      'and is the easiest way to keep your phone sharing only what you want it to share.',
  ),
];

const PRODUCT_PAGE = [
  heading('PrivaShield privacy screen filter for 14-inch laptops'),
  ...paragraphs(
    'Keep what is on your screen between you and your screen. The PrivaShield filter darkens the display for ' +
      'anyone looking from the side, so you can work on trains, in cafés and in open offices without strangers ' +
      'reading your email. Seen from the front, the picture stays bright and sharp.',
    'Price: 39.99. In stock. Free delivery on orders over 25. Ships within one working day.',
  ),
  heading('Features', 2),
  ...[
    'Blocks side views beyond 30 degrees in both directions.',
    'Reduces blue light by up to 35 percent to ease eye strain during long working days.',
    'Anti-glare matte finish on one side, glossy finish on the other: choose the one you prefer.',
    'Attaches with thin reusable adhesive strips or slide-in tabs; removes without leaving any residue.',
    'Fits 14-inch screens with a 16:9 aspect ratio (310 x 174 millimetres). Measure your screen diagonally.',
    'Scratch-resistant coating protects the display from keys, bags and fingerprints.',
  ].map((text) => ({ kind: 'list_item', level: 1, text })),
  heading('Customer reviews', 2),
  ...paragraphs(
    '★★★★★ "Exactly what I needed for the commute. My neighbour on the train gave up trying to read my slides ' +
      'after five minutes." Verified purchase.',
    '★★★★☆ "Works well, though the screen is a little dimmer overall, so I turned the brightness up a notch. The ' +
      'tabs were easier to use than the adhesive strips." Verified purchase.',
    '★★★☆☆ "Does the job but the fit on my laptop was a few millimetres short at the top. Check the ' +
      'dimensions carefully before you buy." Verified purchase.',
    'Questions about this product? Our support team answers within one working day. Returns are free within ' +
      'thirty days of delivery when the filter is unused and in its original packaging; see our returns page.',
    'Care: wipe the filter with the included microfibre cloth. Do not use alcohol, ammonia or window cleaner, ' +
      'which can damage the coating. Store it flat in its sleeve when you take it off, away from direct sunlight ' +
      'and heat, so that it does not curl at the corners.',
    'In the box: one privacy filter, four slide-in tabs, six adhesive strips, a microfibre cloth, a fitting ' +
      'guide. Weight: 95 grams. Thickness: 0.4 millimetres. Colour: black. Model number PS-14W-169.',
    'Compatible with most 14-inch laptops from the major brands, including touch screens when attached with the ' +
      'slide-in tabs. Not compatible with screens that have curved edges or a bezel thinner than 2 millimetres.',
    'Delivery: standard delivery takes two to four working days; express delivery arrives the next working day ' +
      'when you order before 3 pm. We deliver to all mainland addresses and to most islands, where delivery can ' +
      'take one or two days longer. You get a tracking link by email as soon as the parcel leaves the warehouse.',
    'Also bought together: laptop sleeve (14-inch), webcam cover slider (pack of three), screen cleaning kit.',
  ),
];

// A cookie banner on a /privacy-settings page: the right words, no length.
const SHORT_PAGE = [
  heading('Privacy settings'),
  ...paragraphs(
    'We use cookies to make this site work and, with your consent, to measure how it is used. You can change ' +
      'your choice at any time. See our privacy policy and our cookie policy for details.',
    'Accept all. Reject all. Manage preferences.',
  ),
];

describe('pages that are not policies fail, at the gate meant for them', () => {
  const cases = [
    ['a news article about a privacy change', 'Privacy rules change after inquiry', NEWS_ARTICLE, /^[01] self-references$/],
    ['a how-to guide to privacy settings', 'How to check your privacy settings', HOW_TO_GUIDE, /^0 self-references$/],
    ['a product page for a privacy screen', 'PrivaShield privacy filter – Shop', PRODUCT_PAGE, /^[01] self-references$/],
    ['a cookie banner page', 'Privacy settings', SHORT_PAGE, /^too short \(\d+ characters\)$/],
    ['an empty page', 'Privacy', [], /^too short \(0 characters\)$/],
    ['a long page whose title and headings name no policy', 'Weekend recipes', [heading('Soups'), ...NEWS_ARTICLE.slice(1)],
      /^no title or heading names a policy$/],
  ];
  // Each reason names the gate that stopped the page, so a fixture too short
  // for a later gate fails its case.
  for (const [name, title, blocks, reason] of cases) {
    test(name, () => {
      const verdict = looksLikePolicy(title, blocks);
      assert.equal(verdict.policy, false, verdict.why);
      assert.match(verdict.why, reason);
    });
  }
});

describe('each gate decides on its own', () => {
  const xPrivacy = blocksOfMarkdown(readFileSync(path.join(corpusPolicies, 'x-twitter/privacy-policy/2024-11-16.md'), 'utf8'));

  test('a real policy under a title and headings that name no policy fails', () => {
    const unnamed = xPrivacy.filter((block) => block.kind !== 'heading');
    const verdict = looksLikePolicy('X', unnamed);
    assert.deepEqual([verdict.policy, verdict.why], [false, 'no title or heading names a policy']);
    // A top heading alone is enough to name it.
    assert.equal(looksLikePolicy('X', [heading('Privacy Policy'), ...unnamed]).policy, true);
  });

  test('the opening of a policy is too short, and table-of-contents entries do not count towards the length', () => {
    const opening = [];
    let length = 0;
    for (const block of xPrivacy) {
      if (length + block.text.length + 1 >= MIN_CHARS) break;
      opening.push(block);
      length += block.text.length + 1;
    }
    assert.match(looksLikePolicy('Privacy Policy', opening).why, /^too short/);
    const contents = Array.from({ length: 40 }, (_, index) => ({
      kind: 'list_item', level: 1, text: `Section ${index + 1}: how we use your personal information`, navigation: true,
    }));
    assert.equal(looksLikePolicy('Privacy Policy', [...opening, ...contents]).why, looksLikePolicy('Privacy Policy', opening).why);
    // The same entries as text pass the length gate (and meet the next).
    const counted = looksLikePolicy('Privacy Policy', [...opening, ...contents.map((block) => ({ ...block, navigation: false }))]);
    assert.doesNotMatch(counted.why, /^too short/);
  });

  test('policy language in the third person fails', () => {
    // The news article, padded with self-references but still reported speech.
    const blocks = [...NEWS_ARTICLE, ...paragraphs('The company said this policy and these terms were updated.')];
    const verdict = looksLikePolicy('Privacy rules change', blocks);
    assert.equal(verdict.policy, false);
    assert.match(verdict.why, /^\d+ policy terms$|^policy language 0\.\d\d per 1000 characters$/);
  });
});
