// WCAG 2.x colour contrast for the extension's tests: relative luminance and
// contrast ratio, for opaque colours and for translucent ones laid over a
// background (alpha compositing in sRGB, as browsers paint).
//
//   import { contrastRatio, composite } from './support/wcag.mjs';
//   contrastRatio('#767676', '#fff');                               // 4.54
//   contrastRatio(composite('rgb(196 40 28 / 0.9)', '#fff'), '#fff');

// {r, g, b, a}: r, g, b in 0..255, a in 0..1. Accepts #rgb, #rrggbb and
// rgb()/rgba() in the comma and the space syntax (alpha as a number or a
// percentage). Throws on anything else, so a colour a test cannot read
// fails the test rather than being skipped.
export function parseColour(value) {
  const text = String(value).trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text);
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((digit) => digit + digit).join('') : hex[1];
    const [r, g, b] = [0, 2, 4].map((offset) => Number.parseInt(digits.slice(offset, offset + 2), 16));
    return { r, g, b, a: 1 };
  }
  const functional = /^rgba?\(\s*([\d.]+)\s*[,\s]\s*([\d.]+)\s*[,\s]\s*([\d.]+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/i.exec(text);
  if (functional) {
    const [r, g, b] = functional.slice(1, 4).map(Number);
    const alphaText = functional[4];
    const a = alphaText === undefined ? 1 : alphaText.endsWith('%') ? Number.parseFloat(alphaText) / 100 : Number(alphaText);
    if ([r, g, b].some((channel) => channel > 255) || !(a >= 0 && a <= 1)) throw new Error(`colour out of range: ${value}`);
    return { r, g, b, a };
  }
  throw new Error(`not a colour this test can read: ${value}`);
}

// `foreground` painted over the opaque `background`: an opaque colour.
export function composite(foreground, background) {
  const top = typeof foreground === 'string' ? parseColour(foreground) : foreground;
  const bottom = typeof background === 'string' ? parseColour(background) : background;
  if (bottom.a !== 1) throw new Error('the background must be opaque');
  const mix = (channel) => top[channel] * top.a + bottom[channel] * (1 - top.a);
  return { r: mix('r'), g: mix('g'), b: mix('b'), a: 1 };
}

export function luminance(colour) {
  const { r, g, b, a } = typeof colour === 'string' ? parseColour(colour) : colour;
  if (a !== 1) throw new Error('a translucent colour has no luminance of its own: composite it first');
  const [R, G, B] = [r, g, b].map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * R + 0.7152 * G + 0.0722 * B;
}

// The WCAG contrast ratio of two opaque colours, 1 to 21.
export function contrastRatio(first, second) {
  const [lighter, darker] = [luminance(first), luminance(second)].sort((x, y) => y - x);
  return (lighter + 0.05) / (darker + 0.05);
}
