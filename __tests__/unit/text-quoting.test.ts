import { describe, expect, it } from '@jest/globals'
import { bounded, shown } from '../../src/text.js'

describe('bounded: outside text quoted at a sane length', () => {
  it.each([
    ['short text as it is', 'https://acme.my.salesforce.com', 200, 'https://acme.my.salesforce.com'],
    ['exactly the limit as it is', 'x'.repeat(200), 200, 'x'.repeat(200)],
    ['longer text cut, its length said', 'y'.repeat(201), 200, `${'y'.repeat(200)}… (201 characters in all)`],
    ['another limit', 'abcdef', 3, 'abc… (6 characters in all)']
  ])('%s', (_, text, max, expected) => {
    expect(bounded(text, max)).toBe(expected)
  })
})

describe('shown: a refused value quoted only when short and printable', () => {
  it.each([
    ['x', "'x'"],
    ['z'.repeat(65), 'a value of 65 characters (not shown)'],
    ['a\nb', 'a value of 3 characters (not shown)']
  ])('%j', (value, expected) => {
    expect(shown(value)).toBe(expected)
  })
})
