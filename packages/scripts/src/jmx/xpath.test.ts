/** XPath as plans write it, translated to CSS: a table of cases, and what is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xpathToCss } from './xpath.ts';

const cases: [xpath: string, selector: string, take: string][] = [
  ['//title', 'title', 'text'],
  ['//title/text()', 'title', 'text'],
  ["//input[@name='csrf']/@value", 'input[name="csrf"]', 'attribute value'],
  ['/html/body/div[2]/span', 'html > body > div:nth-of-type(2) > span', 'text'],
  ["//div[contains(@class,'price')]//b", 'div[class*="price"] b', 'text'],
  ['//a[starts-with(@href, "/item/") and @data-id]/@href', 'a[href^="/item/"][data-id]', 'attribute href'],
  ['//*[@id="main"]/li[last()]', '*[id="main"] > li:last-of-type', 'text'],
  ['//soap:Body/ns:token', 'soap\\:Body > ns\\:token', 'text'],
];

for (const [xpath, selector, take] of cases) {
  test(`xpathToCss ${xpath}`, () => {
    const r = xpathToCss(xpath);
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.path.selector, selector);
    assert.equal(r.path.take.kind === 'text' ? 'text' : `attribute ${r.path.take.name}`, take);
  });
}

test('xpathToCss refuses what it cannot translate, naming the part', () => {
  const refused: [string, RegExp][] = [
    ['count(//a)', /not an absolute location path/],
    ['//a[position() > 2]', /predicate \[position\(\) > 2\]/],
    ['//a/following-sibling::b', /step "following-sibling::b"/],
    ['//a[@x', /do not close/],
  ];
  for (const [xpath, message] of refused) {
    const r = xpathToCss(xpath);
    assert.ok(!r.ok && message.test(r.message), `${xpath}: ${r.ok ? 'translated' : r.message}`);
  }
});
